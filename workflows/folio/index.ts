// The lifecycle of one folio request, from "the guest checked out" to "the folio is in hand and
// checked" (or clearly needs a person). Reads like the chase: wait for check-out, ask the hotel by
// phone or email through its dispatcher, act on what the hotel says, take the document, check it.
import { workflowInfo } from '@temporalio/workflow';
import * as chase from '../../domain/chase-policy';
import { FolioStatus, type FolioRequest } from '../../domain/model';
import { finish, takeDocuments, waitForOperator } from './documents';
import { registerHandlers } from './handlers';
import { Folio, type FolioOptions, type FolioResult } from './state';
import { awaitDocument, callHotel, emailHotel, waitForCallback, waitForCheckout, waitToRetry } from './steps';

export type { FolioOptions, FolioResult };

export async function folioWorkflow(req: FolioRequest, options: FolioOptions = {}): Promise<FolioResult> {
  const f = new Folio(req, options, workflowInfo().workflowId);
  registerHandlers(f);
  await waitForCheckout(f, options.checkoutGraceHours);

  let decision = chase.firstStep(f.chase, f.policy, Date.now());
  for (;;) {
    const { inbox } = f;
    if (inbox.cancelled) return finish(f, FolioStatus.Cancelled, `cancelled by ${inbox.cancelled.by}`, 'FolioCancelled');
    if (inbox.documents.length) {
      const done = await takeDocuments(f);
      if (done) return done;
      decision = f.askAgain('the folio received did not pass the checks');
      continue;
    }
    decision = reconsider(f, decision);

    switch (decision.action) {
      case 'call':
        decision = decision.atMs > Date.now() ? await waitToRetry(f, decision) : await callHotel(f);
        break;
      case 'email':
      case 'reminder':
        // an email our side could not send waits before it goes again
        decision = decision.atMs !== undefined && decision.atMs > Date.now() ? await waitToRetry(f, { ...decision, atMs: decision.atMs }) : await emailHotel(f, decision.action);
        break;
      case 'await_document':
        decision = await awaitDocument(f, decision);
        break;
      case 'callback':
        decision = await waitForCallback(f);
        break;
      case 'needs_attention':
      case 'give_up': {
        const ended = await waitForOperator(f, decision);
        if (ended) return ended;
        break;
      }
    }
  }
}

/** Before each step: what an operator, a bounce, the hotel's channel and the deadlines change about it. */
function reconsider(f: Folio, decision: chase.ChaseDecision): chase.ChaseDecision {
  const { inbox, chase: s, policy, book, deadlines } = f;
  if (inbox.retryRequested) {
    book.emit('OperatorRetried', { by: inbox.retryRequested.by });
    inbox.retryRequested = undefined;
    f.attention = undefined;
    s.failedCallsInRow = 0;
    if (s.calls >= policy.maxCallAttempts) s.calls = policy.maxCallAttempts - 1; // one more try
    const reason = 'operator asked to retry';
    decision = s.channelPreference === 'email-only' ? { action: 'email', reason } : { action: 'call', atMs: Date.now(), reason };
  }
  if (inbox.bounced) {
    s.emailBad = true;
    book.emit('EmailBounced', { emailId: inbox.bounced.emailId, reason: inbox.bounced.reason });
    inbox.bounced = undefined;
    decision = chase.afterEmailRejected(s, policy, Date.now());
  }
  if (inbox.operatorCallback !== undefined) decision = { action: 'callback', reason: 'operator set a callback' };
  if (decision.action === 'call' && s.channelPreference === 'email-only') {
    const reason = 'the hotel now takes email only';
    decision = s.emails > 0 ? { action: 'reminder', reason } : { action: 'email', reason };
  }
  if (!deadlines.slaFlagged && Date.now() >= deadlines.slaAt) {
    deadlines.slaFlagged = true;
    f.attention = `SLA of ${policy.slaBusinessDays} business days passed`;
    book.emit('SlaBreached');
  }
  if (Date.now() >= deadlines.giveUpAt && decision.action !== 'needs_attention' && decision.action !== 'give_up') {
    decision = { action: 'give_up', reason: `no folio ${policy.giveUpAfterDays} days after it fell due` };
  }
  return decision;
}
