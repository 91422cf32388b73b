// Webhooks never wait on a workflow: the signal is sent in the background and its failure logged.
// A callback for an unknown or finished call is normal (Twilio retries, late recordings) and is not an error.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Logger } from '../../config/logger';

export function signalCall<A extends unknown[]>(temporal: Client, logger: Logger, callId: string, signal: SignalDefinition<A>, ...args: A): void {
  temporal.workflow
    .getHandle(callId)
    .signal(signal, ...args)
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) logger.info({ callId, signal: signal.name }, 'callback for an unknown or finished call ignored');
      else logger.error({ callId, signal: signal.name, err }, 'could not signal the call workflow');
    });
}
