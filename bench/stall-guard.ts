// Temporal's Java time-skipping server sometimes stops skipping time: it loses count of its time locks
// in bursts of concurrent work, it can leave a workflow task "started" for ever when a signal races a
// task completion ("invalid history builder state for action"), and a workflow task that fails on every
// attempt (a workflow bug) holds time still too. This guard notices a stall (a sleep that makes no
// progress for a while on the wall clock), releases one time lock, and if time still stands still
// terminates runs whose workflow task has not moved for 20 s of wall time or keeps failing. Every
// intervention is counted and printed with the results. Figures are read from event times, so time
// skipping a little more freely than the client asked changes none of them.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { inPool } from './requests';
import { GONE, type TemporalEdge } from '../temporal/edge';

const E = temporal.api.enums.v1.EventType;
const TASK = new Set<number>([E.EVENT_TYPE_WORKFLOW_TASK_STARTED, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED]);
/** Bound of the unlock call (the edge bounds its own calls the same way). */
const RPC_MS = 10_000;
const FAILED_TASK = new Set<number>([E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, E.EVENT_TYPE_WORKFLOW_TASK_FAILED]);

export class StallGuard {
  readonly terminated: { workflowId: string; type: string }[] = [];
  unlocks = 0;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    /** Without a retry budget: a server that has stopped answering must not hold the guard (and the run) for ever. */
    private readonly edge: TemporalEdge,
    /** Workflow ids to look at, in tiers: a later tier is looked at only when no earlier one had a stuck run. */
    private readonly candidates: () => string[][],
    private readonly wallStallMs = 30_000,
  ) {}

  /** env.sleep, with stalls cleared; false when the wall deadline passed first. */
  async sleep(ms: number, wallDeadline = Infinity): Promise<boolean> {
    const sleeping = this.env.sleep(ms);
    sleeping.catch(() => undefined); // a sleep abandoned at the deadline must not surface after shutdown
    let stalls = 0;
    for (;;) {
      if (Date.now() > wallDeadline) return false;
      let timer: NodeJS.Timeout | undefined;
      const stalled = await Promise.race([sleeping.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), stalls ? 30_000 : this.wallStallMs)))]);
      clearTimeout(timer);
      if (!stalled) return true;
      stalls++;
      if (stalls % 2 === 1) {
        if (await this.unlock()) process.stderr.write('[stall-guard] time stopped skipping; released one time lock\n');
      } else {
        const n = await this.clear();
        process.stderr.write(`[stall-guard] time still stopped; terminated ${n} stuck run(s)\n`);
      }
    }
  }

  private async unlock(): Promise<boolean> {
    const service = (this.env.connection as unknown as { testService?: { unlockTimeSkipping(r: object): Promise<unknown> } }).testService;
    let timer: NodeJS.Timeout | undefined;
    const ok = !!(await Promise.race([
      service?.unlockTimeSkipping({}).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), RPC_MS))),
    ]));
    clearTimeout(timer);
    if (ok) this.unlocks++;
    return ok;
  }

  /**
   * Runs whose last event is a workflow task that has not moved for 20 s, or that keeps failing. The
   * tiers keep this quick at thousands of runs: the shared workflows (dispatchers, call slots, calls)
   * are where a stuck task stops everyone, so the folios are looked at only when those are clear.
   */
  private async clear(): Promise<number> {
    const look = async (ids: string[]) => {
      const found = new Map<string, { last: string; type: string; failing: boolean }>();
      await inPool(ids, 16, async (workflowId) => {
        try {
          const d = await this.edge.describe(workflowId);
          if (d === GONE || d.status.name !== 'RUNNING') return;
          const events = await this.edge.history(workflowId, d.runId);
          if (events === GONE) return;
          const last = events[events.length - 1];
          if (!last || !TASK.has(last.eventType as number)) return;
          const failing = events.slice(-6).some((e) => FAILED_TASK.has(e.eventType as number));
          found.set(workflowId, { last: `${d.runId}:${String(last.eventId)}`, type: d.type, failing });
        } catch {
          // not answering: looked at again at the next stall
        }
      });
      return found;
    };
    // a tier whose runs all moved on (busy, not stuck) hands over to the next
    let n = 0;
    for (const tier of this.candidates()) {
      const first = await look(tier);
      if (first.size === 0) continue;
      await new Promise((r) => setTimeout(r, 20_000));
      const second = await look([...first.keys()]);
      for (const [workflowId, s] of second) {
        const f = first.get(workflowId);
        if (!f || (f.last !== s.last && !s.failing)) continue;
        const ended = await this.edge.terminate(workflowId, 'time-skipping server left a workflow task stuck').catch(() => GONE);
        if (ended === GONE) continue;
        this.terminated.push({ workflowId, type: s.type });
        n++;
      }
      if (n > 0) break;
    }
    if (n > 0) await this.unlock(); // a terminated run may take its lock with it
    return n;
  }
}
