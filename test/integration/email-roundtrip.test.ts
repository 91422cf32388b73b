// Request → simulated hotel → reply → inbox monitor → signal, over the real mail system (smtp-server +
// Dovecot) and FerretDB. The Temporal client is the edge: a recording signaler stands in for it.
import assert from 'node:assert/strict';
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { GridFsDocumentStore } from '../../adapters/mongo/documents';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { createEmailActivities } from '../../activities/email';
import { startMailResponder, staticDirectory, type MailResponder } from '../../sandbox/hotels/mail-responder';
import type { HotelMail, MailSystem } from '../../sandbox/mail';
import type { BatchGuest, HotelSnapshot } from '../../domain/model';
import type { DocumentRef } from '../../domain/model';
import { startMongo } from '../helpers/stack';
import { startMail, mailEnv, RecordingSignaler } from '../helpers/mail';

const hotel = (hotelId: string, emails: string[], language: HotelSnapshot['language'] = 'en'): HotelSnapshot => ({
  hotelId,
  name: `Hotel ${hotelId}`,
  phone: '+441234567890',
  emails,
  timeZone: 'Europe/London',
  language,
  businessHours: {},
  closedDates: [],
  channelPreference: 'email-first',
});
const guest = (n: string, name: string, conf: string): BatchGuest => ({ folioId: `f-${n}`, workflowId: `folio:c1:${n}`, guestName: name, confirmationNumber: conf, checkIn: '2026-10-03', checkOut: '2026-10-05' });

describe('email round trip (SMTP → hotel → IMAP → signal)', function () {
  this.timeout(30_000);
  let mail: MailSystem;
  let db: Db;
  let store: Store;
  let config: Config;
  let mailer: Mailer;
  let signaler: RecordingSignaler;
  let monitor: InboxMonitor;
  let responder: MailResponder;
  const atHotel: HotelMail[] = [];
  let activities: ReturnType<typeof createEmailActivities>;

  before(async () => {
    const [mongo, m] = await Promise.all([startMongo(), startMail()]);
    mail = m;
    db = mongo.db();
    store = new Store(db);
    config = loadConfig({ ...mailEnv(mail, 'roundtrip'), LOG_LEVEL: 'warn' });
    mailer = new Mailer(config);
    activities = createEmailActivities({ config, store, mailer });
    mail.onHotelMail((msg) => void atHotel.push(msg));
    responder = startMailResponder({
      mail,
      delayMs: 100,
      directory: staticDirectory({
        'frontdesk@pdf.example': { hotelId: 'pdf', name: 'Harbour View', profile: 'replies-with-pdf' },
        'reservations@dead.example': { hotelId: 'dead', name: 'Gone Inn', profile: 'refuses' },
        'frontdesk@silent.example': { hotelId: 'silent', name: 'Quiet Lodge', profile: 'silent', language: 'de' },
      }),
    });
    signaler = new RecordingSignaler();
    monitor = new InboxMonitor({ config, store, documents: new GridFsDocumentStore(db), signaler, pollIntervalMs: 1000, logger: logger.child({}, { level: 'warn' }) });
    monitor.start();
  });

  after(async () => {
    await monitor?.stop();
    await responder?.stop();
    mailer?.close();
  });

  let done = false;
  it('sends one email per batch, and each guest folio the hotel attaches reaches its own folio workflow', async () => {
    const guests = [guest('a1', 'Anna Schmidt', 'HV-48213'), guest('a2', 'Bruno Keller', 'HV-48214')];
    const r = await activities.sendEmailRequest({ emailId: 'em-pdf-1', kind: 'request', hotel: hotel('pdf', ['frontdesk@pdf.example']), guests });
    assert.equal(r.messageId, '<email-em-pdf-1@folio.test>');
    assert.equal(r.to, 'frontdesk@pdf.example');
    await signaler.waitFor(() => signaler.to('folio:c1:a1').length > 0 && signaler.to('folio:c1:a2').length > 0, 15_000);

    const sent = atHotel.filter((m) => m.parsed.messageId === r.messageId);
    assert.equal(sent.length, 1, 'one email for the batch');
    assert.match(sent[0]!.parsed.subject!, /^Folio request for 2 guests – Hotel pdf \[Ref [a-z2-9]{10}\]$/);
    const token = /\[Ref ([a-z2-9]+)\]/.exec(sent[0]!.parsed.subject!)![1];
    assert.equal(sent[0]!.parsed.replyTo?.value[0]?.address, `roundtrip+${token}@folio.test`);

    const a1 = signaler.to('folio:c1:a1', 'documentReceived').map((c) => c.arg as DocumentRef);
    const a2 = signaler.to('folio:c1:a2', 'documentReceived').map((c) => c.arg as DocumentRef);
    assert.equal(a1.length, 1);
    assert.equal(a2.length, 1);
    assert.equal(a1[0]!.filename, 'Folio_HV-48213.pdf');
    assert.equal(a2[0]!.filename, 'Folio_HV-48214.pdf');
    assert.equal(a1[0]!.contentType, 'application/pdf');
    assert.notEqual(a1[0]!.documentId, a2[0]!.documentId);
    const stored = await new GridFsDocumentStore(db).read(a1[0]!.documentId);
    assert.ok(stored.bytes.subarray(0, 5).equals(Buffer.from('%PDF-')), 'the signal carries a reference; the bytes are in GridFS');
    await waitUntil(() => done, async () => (done = (await store.inbox.forFolio('f-a1')).length > 0));
    const recs = await store.inbox.forFolio('f-a1');
    assert.equal(recs.length, 1, 'one message, processed once');
    assert.deepEqual(recs[0]!.folioIds.sort(), ['f-a1', 'f-a2']);
    assert.match(recs[0]!.detail ?? '', /rule thread/);
  });

  it('is idempotent by emailId: a retried activity does not send twice', async () => {
    const input = { emailId: 'em-silent-1', kind: 'request' as const, hotel: hotel('silent', ['frontdesk@silent.example'], 'de'), guests: [guest('s1', 'Jörg Müller', 'QL-1')] };
    const first = await activities.sendEmailRequest(input);
    const again = await activities.sendEmailRequest(input);
    assert.deepEqual(again, first);
    await new Promise((r) => setTimeout(r, 300));
    const copies = atHotel.filter((m) => m.parsed.messageId === first.messageId);
    assert.equal(copies.length, 1);
    assert.match(copies[0]!.parsed.subject!, /^Anfrage Hotelrechnung für 1 Gast – Hotel silent \[Ref /);
    assert.match(copies[0]!.parsed.text!, /• Jörg Müller — Anreise 2026-10-03, Abreise 2026-10-05, Bestätigungsnr\.: QL-1/);
  });

  it("writes to the address the hotel gave for a guest, with the guest's signed form attached and the ask in the hotel's language", async () => {
    const form = Buffer.from('%PDF-1.4\n% signed by the guest\n%%EOF\n');
    const ref = await store.documents.save(form, { source: 'upload', filename: 'signed.pdf' });
    const g: BatchGuest = { ...guest('s3', 'Lena Vogt', 'QL-3'), writeTo: 'billing@silent.example', ask: { kind: 'authorization', document: ref, form: 'Vollmacht' } };
    const r = await activities.sendEmailRequest({ emailId: 'em-silent-3', kind: 'request', hotel: hotel('silent', ['frontdesk@silent.example'], 'de'), guests: [g] });
    assert.equal(r.to, 'billing@silent.example');
    await waitUntil(() => atHotel.some((m) => m.parsed.messageId === r.messageId));
    const sent = atHotel.find((m) => m.parsed.messageId === r.messageId)!;
    assert.deepEqual(sent.recipients, ['billing@silent.example']);
    assert.equal(sent.parsed.attachments.length, 1);
    assert.equal(sent.parsed.attachments[0]!.filename, 'authorisation-QL-3.pdf');
    assert.ok(sent.parsed.attachments[0]!.content.equals(form), 'the uploaded bytes, unchanged');
    assert.match(sent.parsed.text!, /Anbei das vom Gast unterschriebene Vollmacht/);
  });

  it('sends a reminder as a reply in the same thread, with the same reference', async () => {
    const g = [guest('s2', 'Lena Vogt', 'QL-2')];
    const h = hotel('silent', ['frontdesk@silent.example'], 'de');
    const req = await activities.sendEmailRequest({ emailId: 'em-silent-2', kind: 'request', hotel: h, guests: g });
    const rem = await activities.sendEmailRequest({ emailId: 'em-silent-2-r1', kind: 'reminder', hotel: h, guests: g, threadMessageId: req.messageId });
    await waitUntil(() => atHotel.some((m) => m.parsed.messageId === rem.messageId));
    const original = atHotel.find((m) => m.parsed.messageId === req.messageId)!.parsed;
    const reminder = atHotel.find((m) => m.parsed.messageId === rem.messageId)!.parsed;
    assert.equal(reminder.inReplyTo, req.messageId);
    assert.deepEqual([reminder.references].flat(), [req.messageId]);
    assert.equal(reminder.subject, `Re: ${original.subject}`);
    assert.equal(reminder.replyTo?.value[0]?.address, original.replyTo?.value[0]?.address);
    assert.match(reminder.text!, /wir warten noch auf die folgende Rechnung/);
  });

  it('a permanent 5xx refusal comes back as `rejected`, marks the address bad and is not retried', async () => {
    const h = hotel('dead', ['reservations@dead.example']);
    await store.hotels.upsert({ ...h, country: 'GB', stats: { callsByHour: {}, foliosRetrieved: 0 } } as never);
    const r = await activities.sendEmailRequest({ emailId: 'em-dead-1', kind: 'request', hotel: h, guests: [guest('d1', 'Chris Doe', 'GI-9')] });
    assert.match(r.rejected ?? '', /^smtp 550: .*mailbox unavailable/);
    assert.equal(r.messageId, undefined);
    assert.deepEqual(await store.hotels.badAddresses('dead'), ['reservations@dead.example']);
    const next = await activities.sendEmailRequest({ emailId: 'em-dead-2', kind: 'request', hotel: h, guests: [guest('d1', 'Chris Doe', 'GI-9')] });
    assert.equal(next.rejected, 'every email address on file was refused before');
  });

  it('with no email address on file, the folio goes back to the phone at once', async () => {
    const r = await activities.sendEmailRequest({ emailId: 'em-none', kind: 'request', hotel: hotel('none', []), guests: [guest('n1', 'X Y', 'N-1')] });
    assert.deepEqual(r, { emailId: 'em-none', rejected: 'no email address on file' });
  });
});

async function waitUntil(pred: () => boolean, refresh?: () => Promise<unknown>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await refresh?.();
    if (pred()) return;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 30));
  }
}
