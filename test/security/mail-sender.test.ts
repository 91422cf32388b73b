// Attacks on who sent a reply (issue 14, item 7), through SMTP into the sandbox mail system: a stranger
// who knows our thread, reply token or subject tag, or who forges the hotel's From, gets nothing attached
// to a folio; a forged delivery report marks no address bad. The hotel's own signed mail still matches.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { assignUnmatched } from '../../adapters/email/unmatched';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { startTestInbox, testGuest, testHotel, type TestInbox } from '../helpers/inbox';
import { deliveryReport } from '../helpers/hostile-mail';

const HOTEL = 'frontdesk@sec-grand.example';
const DSN_HOTEL = 'frontdesk@sec-dsn.example';

describe('security: sender authentication of hotel replies (item 7)', function () {
  this.timeout(60_000);
  let inbox: TestInbox;
  let thread: { messageId: string; token: string };
  const folio = 'folio:c1:s1';
  const pdf = () =>
    renderFolioPdf({ hotelName: 'Sec Grand', guests: [{ firstName: 'Anna', lastName: 'Schmidt' }], arrival: '2026-09-10', departure: '2026-09-12', folioNumber: 'G-1', confirmationNumber: 'SG-100', currency: 'EUR', nightlyRate: 180, taxRate: 0.1, layout: 'french' });
  /** Anyone on the internet: connects from 127.0.0.1, signs nothing. */
  const anyone = () => nodemailer.createTransport({ host: '127.0.0.1', port: inbox.mail.smtpPort, secure: false, ignoreTLS: true });
  const replyTo = () => `sender+${thread.token}@folio.test`;

  before(async () => {
    inbox = await startTestInbox('sender');
    // the hotels' domains publish their DKIM key, SPF and DMARC policy, as real ones do
    inbox.mail.senders.identity(HOTEL);
    inbox.mail.senders.identity(DSN_HOTEL);
    thread = await inbox.request('em-sec', testHotel('secgrand', HOTEL), [testGuest('s1', 'Anna Schmidt', 'SG-100')]);
  });
  after(async () => inbox?.stop());

  it("a forged reply in the hotel's thread (our Message-ID, the hotel's From, not sent by the hotel) is not attached", async () => {
    const t = anyone();
    await t.sendMail({ from: HOTEL, to: replyTo(), subject: `Re: folio [Ref ${thread.token}]`, inReplyTo: thread.messageId, references: [thread.messageId], messageId: '<forged-thread@sec-grand.example>', text: 'folio attached', attachments: [{ filename: 'folio.pdf', content: await pdf() }] });
    t.close();
    const r = await inbox.outcome('<forged-thread@sec-grand.example>');
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /not authenticated/);
    assert.match(r.unmatched!.reason, /spf=fail/);
    assert.deepEqual(r.unmatched!.candidates, ['s1'], 'the operator still sees which folio it claims to answer');
    assert.equal(inbox.signaler.to(folio).length, 0);
  });

  it('a stranger with a valid signature of its own domain, using the reply token and the subject tag, is not attached', async () => {
    const t = inbox.mail.senders.transport('billing@sec-evil.example');
    await t.sendMail({ from: 'billing@sec-evil.example', to: replyTo(), subject: `Re: folio [Ref ${thread.token}]`, messageId: '<stranger-token@sec-evil.example>', text: 'folio attached', attachments: [{ filename: 'folio.pdf', content: await pdf() }] });
    await t.sendMail({ from: 'billing@sec-evil.example', to: 'sender@folio.test', subject: `Re: folio [Ref ${thread.token}]`, messageId: '<stranger-tag@sec-evil.example>', text: 'folio attached', attachments: [{ filename: 'folio.pdf', content: await pdf() }] });
    for (const id of ['<stranger-token@sec-evil.example>', '<stranger-tag@sec-evil.example>']) {
      const r = await inbox.outcome(id);
      assert.equal(r.processed.outcome, 'unmatched', id);
      assert.match(r.unmatched!.reason, /billing@sec-evil\.example is not the hotel/, id);
    }
    assert.equal(inbox.signaler.to(folio).length, 0);
  });

  it("a stranger signing with its own key while claiming the hotel's From fails DMARC and is not attached", async () => {
    const t = inbox.mail.senders.transport('billing@sec-evil.example');
    await t.sendMail({ from: HOTEL, envelope: { from: 'billing@sec-evil.example', to: replyTo() }, to: replyTo(), subject: 'Re: folio', inReplyTo: thread.messageId, messageId: '<evil-as-hotel@sec-evil.example>', text: 'folio', attachments: [{ filename: 'folio.pdf', content: await pdf() }] });
    const r = await inbox.outcome('<evil-as-hotel@sec-evil.example>');
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /dmarc=fail/);
    assert.equal(inbox.signaler.to(folio).length, 0);
  });

  it('a forged delivery report naming the hotel address, without any Message-ID of ours, marks nothing bad', async () => {
    // a request of its own, still open: the report names its address
    await inbox.request('em-sec-dsn', testHotel('secdsn', DSN_HOTEL), [testGuest('s2', 'Bruno Keller', 'SD-200')]);
    const raw = deliveryReport({ to: 'sender@folio.test', messageId: '<forged-dsn@sec-evil.example>', reportingDomain: 'sec-evil.example', failed: [DSN_HOTEL] });
    const t = anyone();
    await t.sendMail({ envelope: { from: '', to: 'sender@folio.test' }, raw });
    t.close();
    const r = await inbox.outcome('<forged-dsn@sec-evil.example>');
    assert.notEqual(r.processed.outcome, 'bounce');
    assert.deepEqual(await inbox.store.hotels.badAddresses('secdsn'), [], 'the hotel address is still good');
    assert.equal(inbox.signaler.to('folio:c1:s2', 'emailBounced').length, 0, 'no folio was told its address bounced');
  });

  it("the hotel's own signed reply is attached; an authenticated address an operator vouched for is learned", async () => {
    const hotelMail = inbox.mail.senders.transport(HOTEL);
    await hotelMail.sendMail({ from: HOTEL, to: replyTo(), subject: 'Re: folio', inReplyTo: thread.messageId, references: [thread.messageId], messageId: '<genuine@sec-grand.example>', text: 'folio attached', attachments: [{ filename: 'folio.pdf', content: await pdf() }] });
    const genuine = await inbox.outcome('<genuine@sec-grand.example>');
    assert.equal(genuine.processed.outcome, 'signalled');
    assert.equal(inbox.signaler.to(folio, 'documentReceived').length, 1);

    // The hotel's billing agency writes from its own (authenticated) domain: an operator assigns it once …
    const agency = inbox.mail.senders.transport('folios@sec-billing-agency.example');
    await agency.sendMail({ from: 'folios@sec-billing-agency.example', to: replyTo(), subject: 'Invoice', messageId: '<agency-1@sec-billing-agency.example>', text: 'invoice', attachments: [{ filename: 'invoice.pdf', content: Buffer.concat([await pdf(), Buffer.from('\n% 1')]) }] });
    const first = await inbox.outcome('<agency-1@sec-billing-agency.example>');
    assert.equal(first.processed.outcome, 'unmatched');
    await assignUnmatched({ store: inbox.store, signaler: inbox.signaler }, { unmatchedId: first.unmatched!._id, folioId: 's1', workflowId: folio, hotelId: 'secgrand', by: 'operator:ops:k1' });
    // … and its next reply to the same request is matched by itself.
    await agency.sendMail({ from: 'folios@sec-billing-agency.example', to: replyTo(), subject: 'Invoice (corrected)', messageId: '<agency-2@sec-billing-agency.example>', text: 'invoice', attachments: [{ filename: 'invoice.pdf', content: Buffer.concat([await pdf(), Buffer.from('\n% 2')]) }] });
    const second = await inbox.outcome('<agency-2@sec-billing-agency.example>');
    assert.equal(second.processed.outcome, 'signalled');
    assert.equal(inbox.signaler.to(folio, 'documentReceived').length, 3);
  });
});
