// One written request (or reminder) to a hotel for a batch of guests. Its own workflow so that a
// slow or flaky mail server retries here, visibly, without holding up the hotel's call queue.
// (The result's `rejected`/`unsent` split changes no command, so recorded histories replay unguarded.)
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { EmailActivities } from './activity-types';
import type { EmailRequestInput, EmailRequestResult } from './definitions';

const email = proxyActivities<EmailActivities>({
  startToCloseTimeout: '2 minutes',
  // temporary SMTP failures retry for about an hour; permanent ones come back as `rejected`
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});

export async function emailRequestWorkflow(input: EmailRequestInput): Promise<EmailRequestResult> {
  try {
    return await email.sendEmailRequest(input);
  } catch (err) {
    // retries exhausted, or our own mail server refuses us: not the hotel's fault, so never a rejection of its
    // address; every folio of the batch learns it was not sent (and sends again later), naming the last failure
    const last = err instanceof ActivityFailure && err.cause ? err.cause : err;
    return { emailId: input.emailId, unsent: `could not send: ${last instanceof Error ? last.message : String(last)}` };
  }
}
