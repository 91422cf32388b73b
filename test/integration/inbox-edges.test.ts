// Every awkward thing a hotel (or anyone) can send, over the real mail system: each gets a clear,
// recorded outcome and the monitor keeps going.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { GridFsDocumentStore } from '../../adapters/mongo/documents';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { assignUnmatched } from '../../adapters/email/unmatched';
import { createEmailActivities } from '../../activities/email';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { startMailResponder, staticDirectory, type MailResponder } from '../../sandbox/hotels/mail-responder';
import type { MailSystem } from '../../sandbox/mail';
import type { BatchGuest, DocumentRef, HotelSnapshot } from '../../domain/model';
import { startMongo } from '../helpers/stack';
import { startMail, mailEnv, RecordingSignaler } from '../helpers/mail';

const hotel = (hotelId: string, email: string, language: HotelSnapshot['language'] = 'en'): HotelSnapshot => ({
  hotelId,
  name: `Hotel ${hotelId}`,
  phone: '+33123456789',
  emails: [email],
  timeZone: 'Europe/Paris',
  language,
  businessHours: {},
  closedDates: [],
  channelPreference: 'email-first',
});
const guest = (id: string, name: string, conf: string): BatchGuest => ({ folioId: id, workflowId: `folio:c1:${id}`, guestName: name, confirmationNumber: conf, checkIn: '2026-09-10', checkOut: '2026-09-12' });

describe('inbox monitor: awkward mail', function () {
  this.timeout(40_000);
  let mail: MailSystem;
  let db: Db;
  let store: Store;
  let config: Config;
  let signaler: RecordingSignaler;
  let monitor: InboxMonitor;
  let responder: MailResponder;
  let send: ReturnType<typeof createEmailActivities>['sendEmailRequest'];
  let mailer: Mailer;
  let grandToken: string;

  /** The hotel's own mail system (its address, its DKIM key); strangers use plain SMTP from anywhere. */
  const smtp = () => mail.senders.transport('frontdesk@grand.example');
  const anyone = () => nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
  const outcome = async (messageId: string) => {
    const key = `mid:${messageId.replace(/^<|>$/g, '')}`;
    await waitUntil(async () => !!(await store.inbox.processedMessage(key)));
    return { processed: (await store.inbox.processedMessage(key))!, unmatched: await store.unmatched.get(key) };
  };
  const pdf = (last: string, conf: string, opts: { userPassword?: string } = {}) =>
    renderFolioPdf({ hotelName: 'Grand', guests: [{ firstName: 'Anna', lastName: last }], arrival: '2026-09-10', departure: '2026-09-12', folioNumber: `G-${conf}`, confirmationNumber: conf, currency: 'EUR', nightlyRate: 180, taxRate: 0.1, layout: 'french' }, opts);

  before(async () => {
    const [mongo, m] = await Promise.all([startMongo(), startMail()]);
    mail = m;
    db = mongo.db();
    store = new Store(db);
    config = loadConfig({ ...mailEnv(mail, 'edges'), LOG_LEVEL: 'warn' });
    mailer = new Mailer(config);
    send = createEmailActivities({ config, store, mailer }).sendEmailRequest;
    responder = startMailResponder({
      mail,
      delayMs: 50,
      directory: staticDirectory({
        'frontdesk@bounce.example': { hotelId: 'bounce', name: 'Old Mill', profile: 'bounce' },
        'frontdesk@nobooking.example': { hotelId: 'nobooking', name: 'Hôtel du Lac', profile: 'no-such-booking', language: 'fr' },
        'frontdesk@inline.example': { hotelId: 'inline', name: 'Inline Suites', profile: 'replies-inline-html' },
        'frontdesk@away.example': { hotelId: 'away', name: 'Away Resort', profile: 'auto-reply-then-pdf', language: 'de' },
        'frontdesk@forward.example': { hotelId: 'forward', name: 'Forward Plaza', profile: 'forward-breaks-threading', language: 'es' },
        'frontdesk@onepdf.example': { hotelId: 'onepdf', name: 'Zum Hirschen', profile: 'replies-one-pdf-all-guests', language: 'de' },
        'frontdesk@scan.example': { hotelId: 'scan', name: 'Alpine Scan', profile: 'image-only-scan' },
        'frontdesk@wrong.example': { hotelId: 'wrong', name: 'Mixup Hotel', profile: 'wrong-guest' },
      }),
    });
    signaler = new RecordingSignaler();
    monitor = new InboxMonitor({ config, store, documents: new GridFsDocumentStore(db), signaler, pollIntervalMs: 500, logger: logger.child({}, { level: 'silent' }) });
    monitor.start();
    await send({ emailId: 'em-grand', kind: 'request', hotel: hotel('grand', 'frontdesk@grand.example'), guests: [guest('g1', 'Anna Schmidt', 'GR-100')] });
    grandToken = (await store.emails.get('em-grand'))!.token;
  });

  after(async () => {
    await monitor?.stop();
    await responder?.stop();
    mailer?.close();
  });

  it('malformed MIME (broken boundary, bad base64, raw junk) is recorded as unmatched; the monitor carries on', async () => {
    const broken = [
      'From: frontdesk@grand.example',
      'To: edges@folio.test',
      `Subject: folio [Ref ${grandToken}]`,
      'Message-ID: <broken-1@grand.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: application/pdf; name="folio.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      '%%%% not base64 at all ####',
    ].join('\r\n');
    await mail.deliverLocal('edges', broken);
    await mail.deliverLocal('edges', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0d, 0x00, 0x80]));
    const r = await outcome('<broken-1@grand.example>');
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /attachment refused|reply without a folio|not authenticated/);
    assert.deepEqual(r.unmatched!.candidates, ['g1'], 'the operator sees which folio it probably belongs to');
    await monitor.caughtUp();
    assert.equal(signaler.to('folio:c1:g1').length, 0);
  });

  it('an attachment over the size limit (30 MB) is refused with the reason; nothing reaches the folio', async () => {
    const big = Buffer.alloc(30 * 1024 * 1024, 0x41);
    big.write('%PDF-1.4\n', 0);
    const t = smtp();
    await t.sendMail({ from: 'frontdesk@grand.example', to: `edges+${grandToken}@folio.test`, subject: 'Re: folio', messageId: '<big-1@grand.example>', text: 'big scan', attachments: [{ filename: 'scan.pdf', content: big }] });
    t.close();
    const r = await outcome('<big-1@grand.example>');
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /scan\.pdf \(document of 30\.0 MB is over the 20 MB limit\)/);
    assert.equal(signaler.to('folio:c1:g1').length, 0);
  });

  it('an encrypted PDF and a zip are stored for the operator but not handed to the folio', async () => {
    const t = smtp();
    const locked = await pdf('Schmidt', 'GR-100', { userPassword: 'secret' });
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 1)]);
    await t.sendMail({ from: 'frontdesk@grand.example', to: `edges+${grandToken}@folio.test`, subject: 'Re: folio', messageId: '<locked-1@grand.example>', text: 'protected', attachments: [{ filename: 'folio.pdf', content: locked }] });
    await t.sendMail({ from: 'frontdesk@grand.example', to: `edges+${grandToken}@folio.test`, subject: 'Re: folio', messageId: '<zip-1@grand.example>', text: 'zipped', attachments: [{ filename: 'folio.zip', content: zip }] });
    t.close();
    const a = await outcome('<locked-1@grand.example>');
    assert.match(a.unmatched!.reason, /password-protected/);
    assert.equal(a.unmatched!.documents.length, 1);
    const z = await outcome('<zip-1@grand.example>');
    assert.match(z.unmatched!.reason, /zip archive/);
    assert.equal(signaler.to('folio:c1:g1').length, 0);
  });

  it('a spoofed sender naming a real guest and confirmation number is not attached to the folio', async () => {
    const t = anyone();
    await t.sendMail({ from: 'billing@evil.example', to: 'edges@folio.test', subject: 'Invoice Anna Schmidt GR-100', messageId: '<spoof-1@evil.example>', text: 'Folio for Anna Schmidt, confirmation GR-100 attached.', attachments: [{ filename: 'folio.pdf', content: await pdf('Schmidt', 'GR-100') }] });
    t.close();
    const r = await outcome('<spoof-1@evil.example>');
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /sender is not a hotel we wrote to/);
    assert.equal(signaler.to('folio:c1:g1').length, 0);
  });

  it('an operator assigns an unmatched message: its document reaches the folio once, however often it is assigned', async () => {
    const page = await store.unmatched.list({ limit: 50 });
    const spoof = page.items.find((i) => i.messageId === '<spoof-1@evil.example>')!;
    const input = { unmatchedId: spoof._id, folioId: 'g1', workflowId: 'folio:c1:g1', hotelId: 'grand', by: 'ops@folio.test' };
    const first = await assignUnmatched({ store, signaler }, input);
    const second = await assignUnmatched({ store, signaler }, input);
    assert.equal(first.documents, 1);
    assert.equal(second.alreadyAssigned, true);
    const refs = signaler.to('folio:c1:g1', 'documentReceived').map((c) => (c.arg as DocumentRef).documentId);
    assert.equal(new Set(refs).size, 1, 'the same document id each time: the workflow keeps it once');
    await assert.rejects(assignUnmatched({ store, signaler }, { ...input, folioId: 'other' }), /already assigned to folio g1/);
    assert.ok(!(await store.unmatched.list({ limit: 50 })).items.some((i) => i._id === spoof._id), 'assigned ones leave the queue');
  });

  it('a bounce marks the hotel address bad and sends the folio back to the phone', async () => {
    await store.hotels.upsert({ ...hotel('bounce', 'frontdesk@bounce.example'), country: 'FR', stats: { callsByHour: {}, foliosRetrieved: 0 } } as never);
    await send({ emailId: 'em-bounce', kind: 'request', hotel: hotel('bounce', 'frontdesk@bounce.example'), guests: [guest('b1', 'Tom Bell', 'OM-7')] });
    await signaler.waitFor(() => signaler.to('folio:c1:b1', 'emailBounced').length === 1);
    const arg = signaler.to('folio:c1:b1', 'emailBounced')[0]!.arg as { emailId: string; address: string; reason: string };
    assert.deepEqual([arg.emailId, arg.address, arg.reason], ['em-bounce', 'frontdesk@bounce.example', 'bounce: frontdesk@bounce.example']);
    assert.equal(signaler.to('folio:c1:b1', 'hotelReplied').length, 0, 'a bounce is not an answer from the hotel');
    assert.deepEqual(await store.hotels.badAddresses('bounce'), ['frontdesk@bounce.example']);
  });

  it('"we have no such booking" (French) becomes the folio outcome', async () => {
    await send({ emailId: 'em-nob', kind: 'request', hotel: hotel('nobooking', 'frontdesk@nobooking.example', 'fr'), guests: [guest('nb1', 'Luc Martin', 'HL-3')] });
    await signaler.waitFor(() => signaler.to('folio:c1:nb1', 'hotelReplied').length === 1);
    assert.deepEqual((signaler.to('folio:c1:nb1')[0]!.arg as { outcome: unknown }).outcome, { kind: 'no_such_booking' });
  });

  it('a folio pasted into the HTML body is stored as an HTML document and signalled', async () => {
    await send({ emailId: 'em-inline', kind: 'request', hotel: hotel('inline', 'frontdesk@inline.example'), guests: [guest('in1', 'Sam Lee', 'IS-5')] });
    await signaler.waitFor(() => signaler.to('folio:c1:in1', 'documentReceived').length === 1);
    const ref = signaler.to('folio:c1:in1')[0]!.arg as DocumentRef;
    assert.equal(ref.contentType, 'text/html');
    const { bytes } = await new GridFsDocumentStore(db).read(ref.documentId);
    assert.match(bytes.toString('utf8'), /IS-5/);
  });

  it('an out-of-office auto-reply is not an answer; the real reply later is', async () => {
    await send({ emailId: 'em-away', kind: 'request', hotel: hotel('away', 'frontdesk@away.example', 'de'), guests: [guest('aw1', 'Eva Braun', 'AR-8')] });
    await signaler.waitFor(() => signaler.to('folio:c1:aw1', 'documentReceived').length === 1);
    assert.equal(signaler.to('folio:c1:aw1').length, 1, 'only the document, nothing for the auto-reply');
    assert.ok(monitor.counters.autoReplies >= 1);
    assert.ok((await store.inbox.withOutcome('auto-reply')).some((r) => /Auto-Submitted/.test(r.detail ?? '')));
  });

  it('a forward that breaks threading is matched by the sender domain', async () => {
    await send({ emailId: 'em-fwd', kind: 'request', hotel: hotel('forward', 'frontdesk@forward.example', 'es'), guests: [guest('fw1', 'Ana García', 'FP-2')] });
    await signaler.waitFor(() => signaler.to('folio:c1:fw1', 'documentReceived').length === 1);
    await waitUntil(async () => (await store.inbox.forFolio('fw1')).length > 0);
    const [rec] = await store.inbox.forFolio('fw1');
    assert.match(rec!.detail!, /rule sender-domain/);
  });

  it("one PDF holding the whole batch's folios is cut per guest: each gets its own page, with the original's range kept", async () => {
    await send({ emailId: 'em-one', kind: 'request', hotel: hotel('onepdf', 'frontdesk@onepdf.example', 'de'), guests: [guest('op1', 'Karl Huber', 'ZH-1'), guest('op2', 'Maria Huber', 'ZH-2')] });
    await signaler.waitFor(() => signaler.to('folio:c1:op1', 'documentReceived').length === 1 && signaler.to('folio:c1:op2', 'documentReceived').length === 1);
    const [one, two] = ['op1', 'op2'].map((f) => signaler.to(`folio:c1:${f}`)[0]!.arg as DocumentRef);
    assert.notEqual(one!.documentId, two!.documentId);
    assert.deepEqual([one!.derivedFrom?.pages, two!.derivedFrom?.pages], [{ from: 1, to: 1 }, { from: 2, to: 2 }]);
    assert.equal(one!.derivedFrom?.documentId, two!.derivedFrom?.documentId, 'both cut from the one PDF the hotel sent');
  });

  it("an image-only scan and a wrong guest's folio still reach the folio (extraction and validation judge them)", async () => {
    await send({ emailId: 'em-scan', kind: 'request', hotel: hotel('scan', 'frontdesk@scan.example'), guests: [guest('sc1', 'Noah Frei', 'AS-1')] });
    await send({ emailId: 'em-wrong', kind: 'request', hotel: hotel('wrong', 'frontdesk@wrong.example'), guests: [guest('wr1', 'Ida Holm', 'MH-1')] });
    await signaler.waitFor(() => signaler.to('folio:c1:sc1', 'documentReceived').length === 1 && signaler.to('folio:c1:wr1', 'documentReceived').length === 1);
    assert.equal((signaler.to('folio:c1:sc1')[0]!.arg as DocumentRef).contentType, 'application/pdf');
  });
});

async function waitUntil(pred: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
