// One deadline timer for a workflow's waits. Every timer started is a billed action (a `condition` with a
// timeout starts one each time it is called), so a wait re-entered after a signal, or the next wait whose
// deadline is later, keeps the timer already running and only starts another once that one has fired.
import { condition, sleep } from '@temporalio/workflow';

export interface WaitOptions {
  /**
   * The deadline is a lower bound: a running timer that fires later serves (the wait may last until it
   * fires) instead of a new one. For waits whose deadline only bounds how long we wait for something
   * that nearly always comes (the end of a call, its recording).
   */
  atLeast?: boolean;
}

export class Alarm {
  /** When each running timer fires (ms). */
  private readonly running = new Set<number>();
  private rang = 0;

  /** Waits until `done()` or the deadline `at` (ms since epoch); true when `done()` was reached. */
  async until(done: () => boolean, at: number, opts: WaitOptions = {}): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      if (Date.now() >= at) return false;
      const timer = this.timerFor(at, opts);
      const rang = this.rang;
      await condition(() => done() || (this.rang !== rang && !this.running.has(timer)));
    }
  }

  /** The running timer that serves the deadline (the last one due by it; for an at-least deadline, else the next after it), or a new one. */
  private timerFor(at: number, opts: WaitOptions): number {
    const running = [...this.running];
    const byDeadline = running.filter((t) => t <= at);
    if (byDeadline.length) return Math.max(...byDeadline);
    if (opts.atLeast && running.length) return Math.min(...running);
    this.running.add(at);
    // a timer cancelled with its workflow is simply gone; nothing waits for it then
    sleep(at - Date.now()).then(
      () => this.fired(at),
      () => this.running.delete(at),
    );
    return at;
  }

  private fired(t: number): void {
    this.running.delete(t);
    this.rang++;
  }
}
