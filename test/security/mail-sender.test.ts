// Attacks on who sent a reply (issue 14, item 7), through SMTP into the sandbox mail system: a stranger
// who knows our thread, reply token or subject tag, or who forges the hotel's From, gets nothing attached
// to a folio; a forged delivery report marks no address bad. The hotel's own signed mail still matches.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { assignUnmatched } from '../../adapters/email/unmatched';
import { HotelConfig } from '../../domain/schemas';
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
  const pdf = (guest = { firstName: 'Anna', lastName: 'Schmidt' }, confirmationNumber = 'SG-100') =>
    renderFolioPdf({ hotelName: 'Sec Grand', guests: [guest], arrival: '2026-09-10', departure: '2026-09-12', folioNumber: 'G-1', confirmationNumber, currency: 'EUR', nightlyRate: 180, taxRate: 0.1, layout: 'french' });
  const configure = (hotelId: string, over: Partial<HotelConfig>) =>
    inbox.store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Hotel ${hotelId}`, phone: '+33123456789', timeZone: 'Europe/Paris', country: 'FR', language: 'en', emails: [`frontdesk@${hotelId}.example`], ...over }));
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

  it('a chain office an operator configured on one hotel of a chain speaks for every hotel of that chain, and for no other', async () => {
    await configure('sec-chain-a', { chain: 'Sec Chain', folioSenders: ['@sec-chain-office.example'] });
    await configure('sec-chain-b', { chain: 'Sec Chain' });
    await configure('sec-other', { chain: 'Other Group' });
    await inbox.request('em-chain-b', testHotel('sec-chain-b', 'frontdesk@sec-chain-b.example'), [testGuest('s3', 'Carla Rossi', 'CB-300')]);
    await inbox.request('em-other', testHotel('sec-other', 'frontdesk@sec-other.example'), [testGuest('s4', 'Dario Neri', 'OT-400')]);
    const office = inbox.mail.senders.transport('ap@sec-chain-office.example');
    // days later, a new message (no thread, no reference), as a chain's accounting office writes
    await office.sendMail({ from: 'ap@sec-chain-office.example', to: 'sender@folio.test', subject: 'Invoice CB-300', messageId: '<office-b@sec-chain-office.example>', text: 'Please find the invoice for Carla Rossi, confirmation CB-300.', attachments: [{ filename: 'invoice.pdf', content: await pdf({ firstName: 'Carla', lastName: 'Rossi' }, 'CB-300') }] });
    const b = await inbox.outcome('<office-b@sec-chain-office.example>');
    assert.equal(b.processed.outcome, 'signalled');
    assert.equal(inbox.signaler.to('folio:c1:s3', 'documentReceived').length, 1);
    await office.sendMail({ from: 'ap@sec-chain-office.example', to: 'sender@folio.test', subject: 'Invoice OT-400', messageId: '<office-other@sec-chain-office.example>', text: 'Invoice for Dario Neri, confirmation OT-400.', attachments: [{ filename: 'invoice.pdf', content: await pdf({ firstName: 'Dario', lastName: 'Neri' }, 'OT-400') }] });
    const other = await inbox.outcome('<office-other@sec-chain-office.example>');
    assert.equal(other.processed.outcome, 'unmatched', 'another chain never vouched for that office');
    assert.match(other.unmatched!.reason, /no guest named with a confirmation number/, "it speaks for Sec Chain's hotels, none of which has that guest");
    assert.ok(!other.unmatched!.candidates.includes('s4'));
    assert.equal(inbox.signaler.to('folio:c1:s4').length, 0);
  });

  it('an address an operator vouched for at one hotel of a chain is trusted at its other hotels', async () => {
    await configure('sec-ring-a', { chain: 'Sec Ring' });
    await configure('sec-ring-b', { chain: 'Sec Ring' });
    await inbox.request('em-ring-a', testHotel('sec-ring-a', 'frontdesk@sec-ring-a.example'), [testGuest('s5', 'Elsa Berg', 'RA-500')]);
    await inbox.request('em-ring-b', testHotel('sec-ring-b', 'frontdesk@sec-ring-b.example'), [testGuest('s6', 'Fritz Lang', 'RB-600')]);
    const office = inbox.mail.senders.transport('billing@sec-ring-office.example');
    await office.sendMail({ from: 'billing@sec-ring-office.example', to: 'sender@folio.test', subject: 'Invoice', messageId: '<ring-a@sec-ring-office.example>', text: 'Elsa Berg RA-500', attachments: [{ filename: 'a.pdf', content: await pdf({ firstName: 'Elsa', lastName: 'Berg' }, 'RA-500') }] });
    const first = await inbox.outcome('<ring-a@sec-ring-office.example>');
    assert.equal(first.processed.outcome, 'unmatched', 'nobody vouched for it yet');
    await assignUnmatched({ store: inbox.store, signaler: inbox.signaler }, { unmatchedId: first.unmatched!._id, folioId: 's5', workflowId: 'folio:c1:s5', hotelId: 'sec-ring-a', by: 'operator:ops:k1' });
    await office.sendMail({ from: 'billing@sec-ring-office.example', to: 'sender@folio.test', subject: 'Invoice', messageId: '<ring-b@sec-ring-office.example>', text: 'Fritz Lang RB-600', attachments: [{ filename: 'b.pdf', content: await pdf({ firstName: 'Fritz', lastName: 'Lang' }, 'RB-600') }] });
    const second = await inbox.outcome('<ring-b@sec-ring-office.example>');
    assert.equal(second.processed.outcome, 'signalled', 'the chain-mate takes the vouched-for office by itself');
    assert.equal(inbox.signaler.to('folio:c1:s6', 'documentReceived').length, 1);
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
