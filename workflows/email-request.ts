// One written request (or reminder) to a hotel for a batch of guests. Its own workflow so that a
// slow or flaky mail server retries here, visibly, without holding up the hotel's call queue.
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
    // retries exhausted: report it as a rejection so every folio of the batch moves on, naming the last failure
    const last = err instanceof ActivityFailure && err.cause ? err.cause : err;
    return { emailId: input.emailId, rejected: `could not send: ${last instanceof Error ? last.message : String(last)}` };
  }
}
