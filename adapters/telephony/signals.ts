// Webhooks never wait on a workflow: the signal is sent in the background. A callback for an unknown or
// finished call is normal (Twilio retries, late recordings) and is not an error. Any other failure
// (Temporal restarting, a network blip) is retried with backoff for a bounded time, because Twilio does
// not retry a status callback it got a 200 for: giving up loses the callback, so it is logged as an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Logger } from '../../config/logger';

export interface SignalRetry {
  /** Give up after this long (default 5 minutes). */
  maxMs: number;
  /** First backoff (default 500 ms), doubled per attempt up to 15 s. */
  firstDelayMs: number;
}

const DEFAULT_RETRY: SignalRetry = { maxMs: 5 * 60_000, firstDelayMs: 500 };

export function signalCall<A extends unknown[]>(temporal: Client, logger: Logger, callId: string, signal: SignalDefinition<A>, ...args: A): void {
  void deliverSignal(temporal, logger, DEFAULT_RETRY, callId, signal, ...args);
}

/** Sends one signal until it is taken, the call is gone, or the retry budget is spent; resolves with what happened. */
export async function deliverSignal<A extends unknown[]>(temporal: Client, logger: Logger, retry: SignalRetry, callId: string, signal: SignalDefinition<A>, ...args: A): Promise<'delivered' | 'no-such-call' | 'gave-up'> {
  const giveUpAt = Date.now() + retry.maxMs;
  let delay = retry.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      // each attempt bounded too: the client's own retries would otherwise hold one attempt far past the budget
      const attemptMs = Math.min(10_000, Math.max(1000, giveUpAt - Date.now()));
      await temporal.withDeadline(Date.now() + attemptMs, () => temporal.workflow.getHandle(callId).signal(signal, ...args));
      if (attempt > 1) logger.info({ callId, signal: signal.name, attempt }, 'call workflow signalled after retrying');
      return 'delivered';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        logger.info({ callId, signal: signal.name }, 'callback for an unknown or finished call ignored');
        return 'no-such-call';
      }
      if (Date.now() + delay > giveUpAt) {
        logger.error({ callId, signal: signal.name, err, attempts: attempt }, 'could not signal the call workflow; the callback is lost');
        return 'gave-up';
      }
      if (attempt === 1) logger.warn({ callId, signal: signal.name, err: (err as Error).message }, 'could not signal the call workflow; retrying');
      await sleep(delay);
      delay = Math.min(delay * 2, 15_000);
    }
  }
}
