// The lifecycle of one folio request, from "the guest checked out" to "the folio is in hand and
// checked" (or clearly needs a person). Reads like the chase: wait for check-out, ask the hotel by
// phone or email through its dispatcher, act on what the hotel says, take the document, check it.
import { patched, workflowInfo } from '@temporalio/workflow';
import * as chase from '../../domain/chase-policy';
import { FolioStatus, type FolioRequest, type GuestAsk } from '../../domain/model';
import { finish, takeDocuments, waitForOperator } from './documents';
import { registerHandlers } from './handlers';
import { Folio, type FolioOptions, type FolioResult } from './state';
import { awaitClient, awaitDocument, callHotel, emailHotel, notifyClient, waitForCallback, waitForCheckout, waitToRetry } from './steps';

export type { FolioOptions, FolioResult };

/** Folios started from here on follow the closed-loop chase policy; earlier histories replay without it. */
export const CLOSED_LOOP_PATCH = 'closed-loop-chase';

export async function folioWorkflow(req: FolioRequest, options: FolioOptions = {}): Promise<FolioResult> {
  const f = new Folio(req, options, workflowInfo().workflowId, patched(CLOSED_LOOP_PATCH));
  registerHandlers(f);
  await waitForCheckout(f, options.checkoutGraceHours);

  let decision = chase.firstStep(f.chase, f.policy, f.ctx());
  for (;;) {
    const { inbox } = f;
    if (inbox.cancelled) return finish(f, FolioStatus.Cancelled, `cancelled by ${inbox.cancelled.by}`, 'FolioCancelled');
    if (inbox.documents.length) {
      const taken = await takeDocuments(f);
      if (taken && 'status' in taken) return taken;
      decision = taken ?? f.askAgain('the folio received did not pass the checks');
      continue;
    }
    if (inbox.authorization) {
      // uploaded while the folio was doing something else: the form goes to the hotel now
      const { document, by } = inbox.authorization;
      inbox.authorization = undefined;
      f.book.emit('AuthorizationReceived', { documentId: document.documentId, by });
      decision = chase.afterAuthorizationReceived(f.chase, document, f.authorization?.form);
    }
    decision = reconsider(f, decision);
    if ('ask' in decision && decision.ask && decision.ask !== f.pendingAsk) await announce(f, decision.ask, decision);

    switch (decision.action) {
      case 'call':
        decision = decision.atMs > Date.now() ? await waitToRetry(f, decision) : await callHotel(f, decision.reason);
        break;
      case 'email':
      case 'reminder':
        // an email our side could not send waits before it goes again
        decision = decision.atMs !== undefined && decision.atMs > Date.now() ? await waitToRetry(f, { ...decision, atMs: decision.atMs }) : await emailHotel(f, decision.action, decision.reason);
        break;
      case 'await_document':
        decision = await awaitDocument(f, decision);
        break;
      case 'await_client':
        decision = await awaitClient(f, decision);
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

/** A new ask goes with the next call or email until it reaches the hotel; the timeline names it, and the client hears of a booking the hotel cannot find. */
async function announce(f: Folio, ask: GuestAsk, decision: chase.ChaseDecision): Promise<void> {
  f.pendingAsk = ask;
  const via = decision.action === 'call' ? 'phone' : 'email';
  if (ask.kind === 'reask') {
    f.chase.reasks++;
    f.book.emit('FolioReasked', { via, need: ask.need, codes: ask.problems, attempt: ask.attempt });
  } else if (ask.kind === 'find-booking') {
    f.chase.bookingReasks++;
    f.book.emit('FolioReasked', { via, need: 'find-booking', nameVariants: ask.nameVariants.length, attempt: f.chase.bookingReasks });
    await notifyClient(f, {
      folioId: f.folioId,
      kind: 'folio.no_such_booking',
      message:
        'The hotel found no booking under this request. We asked it once more in writing with every identifier and spelling of the name; please check the confirmation number, the stay dates and the name on the booking.',
    });
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
    if (f.writeTo?.toLowerCase() === inbox.bounced.address.toLowerCase()) f.writeTo = undefined;
    book.emit('EmailBounced', { emailId: inbox.bounced.emailId, reason: inbox.bounced.reason });
    inbox.bounced = undefined;
    decision = chase.afterEmailRejected(s, policy, f.ctx());
  }
  if (inbox.operatorCallback !== undefined) decision = { action: 'callback', reason: 'operator set a callback' };
  if (decision.action === 'call' && !chase.mayCall(s, policy, f.ctx()) && s.channelPreference === 'email-only') {
    const reason = 'the hotel now takes email only';
    decision = s.emails > 0 ? { action: 'reminder', reason } : { action: 'email', reason };
  }
  if (!deadlines.slaFlagged && Date.now() >= deadlines.slaAt) {
    deadlines.slaFlagged = true;
    f.attention = `SLA of ${policy.slaBusinessDays} business days passed`;
    book.emit('SlaBreached');
  }
  if (Date.now() >= deadlines.giveUpAt && decision.action !== 'needs_attention' && decision.action !== 'give_up') {
    decision = { action: 'give_up', reason: `no folio ${policy.giveUpAfterDays} days after it fell due`, next: chase.NEXT_STEP.gaveUp };
  }
  return decision;
}
