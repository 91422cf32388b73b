// Temporal's Java time-skipping server occasionally leaves a workflow task "started" for ever when a
// signal races a task completion ("invalid history builder state for action"), and a workflow task that
// fails on every attempt (a workflow bug) holds time still too. This guard notices the stall, terminates
// the stuck runs (a dispatcher or call recovers: its folios re-enqueue; a stuck folio is reported as
// lost), releases a time-skipping lock such a run leaked, and says so in the results.
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { inPool } from './requests';

const E = temporal.api.enums.v1.EventType;

export class StallGuard {
  readonly terminated: { workflowId: string; type: string }[] = [];
  unlocks = 0;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly candidates: () => string[],
    private readonly wallStallMs = 120_000,
  ) {}

  private get client(): Client {
    return this.env.client;
  }

  /** env.sleep, but a stall (no progress for wallStallMs) is found and cleared; gives up at the wall deadline. */
  async sleep(ms: number, wallDeadline = Infinity): Promise<boolean> {
    const sleeping = this.env.sleep(ms);
    sleeping.catch(() => undefined); // a sleep abandoned at the deadline must not surface after shutdown
    for (;;) {
      if (Date.now() > wallDeadline) return false;
      let timer: NodeJS.Timeout | undefined;
      const stalled = await Promise.race([sleeping.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.wallStallMs)))]);
      clearTimeout(timer);
      if (!stalled) return true;
      const n = await this.clear();
      const service = (this.env.connection as unknown as { testService?: { unlockTimeSkipping(r: object): Promise<unknown> } }).testService;
      // only a terminated run can have leaked a lock; a busy system merely holds its own
      const released = n > 0 && (await service?.unlockTimeSkipping({}).then(
        () => true,
        () => false,
      ));
      if (released) this.unlocks++;
      process.stderr.write(`[stall-guard] time stopped skipping; terminated ${n} stuck run(s)${released ? ', released a leaked time lock' : ''}\n`);
    }
  }

  async clear(): Promise<number> {
    const now = await this.env.currentTimeMs();
    const stuck: { workflowId: string; type: string }[] = [];
    await inPool(this.candidates(), 8, async (workflowId) => {
      try {
        const h = this.client.workflow.getHandle(workflowId);
        const d = await h.describe();
        if (d.status.name !== 'RUNNING') return;
        const events = (await h.fetchHistory()).events ?? [];
        const last = events[events.length - 1];
        const at = last?.eventTime?.seconds ? Number(last.eventTime.seconds) * 1000 : now;
        const pendingTask = last?.eventType === E.EVENT_TYPE_WORKFLOW_TASK_STARTED || last?.eventType === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
        const failing = events.slice(-4).some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT || e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED);
        if (pendingTask && (failing || now - at > 30_000)) stuck.push({ workflowId, type: d.type });
      } catch {
        // not found: nothing to clear
      }
    });
    for (const s of stuck) {
      await this.client.workflow.getHandle(s.workflowId).terminate('time-skipping server left a workflow task started for ever').catch(() => undefined);
      this.terminated.push(s);
    }
    return stuck.length;
  }
}
