// Temporal Cloud billable actions, counted from workflow histories by the rules of
// https://docs.temporal.io/cloud/actions (each rule below names its line there):
// - "Workflow started … via client start, client Signal-With-Start, Continue-As-New, or Child Workflow start":
//   one per run; a Signal-With-Start that starts the run is that one action (its signal is not billed again);
// - a Child Workflow start is billed 2: the parent's start command and the child's start (counted when the
//   child's own history is read: countActions follows children);
// - "Activity started or retried": each attempt;
// - "Timer started", including the implicit timer of a TypeScript `condition` with a timeout;
// - "Search Attribute upsert requested": one per upsert command; attributes given at start are free, and so is
//   the TemporalChangeVersion attribute a patch sets;
// - "Signal sent … from a Client or from a Workflow": one per signal, counted where it is received;
// - "Update received by Worker": each accepted update (rejected ones are billed too but leave no history);
// - "Side Effect recorded": Go and Java only; a TypeScript patch marker is not billed. Local activities
//   (none here) are counted as one per workflow task that ran any.
// Queries and activity heartbeats are billed but leave no history: the benchmarks send neither on the
// measured runs (a test's state query is not part of a benchmark). Workflow tasks are not billed.
import { temporal } from '@temporalio/proto';
import { GONE, type TemporalEdge } from '../temporal/edge';

const E = temporal.api.enums.v1.EventType;

export const PRICE_PER_MILLION_ACTIONS_USD = 50; // Temporal Cloud list price, first volume tier (temporal.io/pricing)

export interface ActionCount {
  runs: number;
  events: number;
  actions: number;
  byKind: Record<string, number>;
  byWorkflowType: Record<string, { runs: number; events: number; actions: number }>;
}

const PATCH_ATTRIBUTE = 'TemporalChangeVersion';

export function actionsOf(events: temporal.api.history.v1.IHistoryEvent[]): { actions: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  const add = (k: string, n = 1) => void (byKind[k] = (byKind[k] ?? 0) + n);
  const localActivityTasks = new Set<string>();
  events.forEach((e, i) => {
    switch (e.eventType) {
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        add('workflow started');
        break;
      case E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('child workflow started (parent side)');
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add('activity started');
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const attempt = e.activityTaskStartedEventAttributes?.attempt ?? 1;
        if (attempt > 1) add('activity retried', attempt - 1);
        break;
      }
      case E.EVENT_TYPE_TIMER_STARTED:
        add('timer started');
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        // the signal of a Signal-With-Start that started this run comes right after the start: one action for both
        if (!(i === 1 && events[0]?.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)) add('signal');
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('update');
        break;
      case E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const keys = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (keys.some((k) => k !== PATCH_ATTRIBUTE)) add('search attributes upserted');
        break;
      }
      case E.EVENT_TYPE_MARKER_RECORDED: {
        const m = e.markerRecordedEventAttributes;
        if (m?.markerName === 'core_local_activity') localActivityTasks.add(String(m.workflowTaskCompletedEventId ?? i));
        break;
      }
    }
  });
  if (localActivityTasks.size) add('local activities (per workflow task)', localActivityTasks.size);
  return { actions: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

/**
 * Counts the actions of the given executions and of every run chained to them by continue-as-new
 * (backwards through `continuedExecutionRunId`, forwards through `newExecutionRunId`), the parent runs
 * named by children and the children their parents started. Each run is counted once.
 */
export async function countActions(edge: TemporalEdge, roots: { workflowId: string; runId?: string }[], opts: { concurrency?: number; exclude?: (type: string) => boolean } = {}): Promise<ActionCount> {
  const total: ActionCount = { runs: 0, events: 0, actions: 0, byKind: {}, byWorkflowType: {} };
  const seen = new Set<string>();
  const queue = [...roots];
  const key = (w: string, r?: string) => `${w}\n${r ?? ''}`;
  async function visit(workflowId: string, runId?: string) {
    if (runId === undefined) {
      const d = await edge.describe(workflowId);
      if (d === GONE) throw new Error(`no workflow ${workflowId} to count`);
      runId = d.runId;
      if (seen.has(key(workflowId, runId))) return;
      seen.add(key(workflowId, runId));
    }
    const events = await edge.history(workflowId, runId);
    if (events === GONE) throw new Error(`no run ${runId} of ${workflowId} to count`);
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const type = started?.workflowType?.name ?? 'unknown';
    const prev = started?.continuedExecutionRunId;
    if (prev) queue.push({ workflowId, runId: prev });
    const parent = started?.parentWorkflowExecution;
    if (parent?.workflowId && parent.runId) queue.push({ workflowId: parent.workflowId, runId: parent.runId });
    for (const e of events) {
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId });
    }
    const last = events[events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (next) queue.push({ workflowId, runId: next });
    if (opts.exclude?.(type)) return;
    const a = actionsOf(events);
    total.runs++;
    total.events += events.length;
    total.actions += a.actions;
    for (const [k, n] of Object.entries(a.byKind)) total.byKind[k] = (total.byKind[k] ?? 0) + n;
    const t = (total.byWorkflowType[type] ??= { runs: 0, events: 0, actions: 0 });
    t.runs++;
    t.events += events.length;
    t.actions += a.actions;
  }
  let busy = 0;
  const workers = Array.from({ length: opts.concurrency ?? 8 }, async () => {
    for (;;) {
      const next = queue.shift();
      if (!next) {
        // others may still add chained runs: wait a moment for them
        await new Promise((r) => setTimeout(r, 20));
        if (queue.length === 0 && !busy) return;
        continue;
      }
      if (next.runId) {
        if (seen.has(key(next.workflowId, next.runId))) continue;
        seen.add(key(next.workflowId, next.runId));
      }
      busy++;
      try {
        await visit(next.workflowId, next.runId);
      } finally {
        busy--;
      }
    }
  });
  await Promise.all(workers);
  return total;
}
