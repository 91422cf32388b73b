// The monitor's durability on a real Dovecot: restart mid-stream, a crash mid-message, a lost
// checkpoint, a dropped connection and a UIDVALIDITY change — no message lost, none acted on twice.
import assert from 'node:assert/strict';
import type { Db } from 'mongodb';
import type { ImapFlow } from 'imapflow';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { GridFsDocumentStore } from '../../adapters/mongo/documents';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { createEmailActivities } from '../../activities/email';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import type { MailSystem } from '../../sandbox/mail';
import type { DocumentRef } from '../../domain/model';
import { startMongo } from '../helpers/stack';
import { startMail, mailEnv, RecordingSignaler } from '../helpers/mail';
import { TemporalUnavailableError } from '../../temporal/edge';

describe('inbox monitor: restarts, crashes and UIDVALIDITY', function () {
  this.timeout(30_000);
  const WF = 'folio:c1:m1';
  let mail: MailSystem;
  let db: Db;
  let store: Store;
  let config: Config;
  let signaler: RecordingSignaler;
  let requestId: string;
  let replyTo: string;
  let n = 0;
  const running: InboxMonitor[] = [];

  const monitor = (maxMessageBytes?: number) => {
    const m = new InboxMonitor({ config, store, documents: new GridFsDocumentStore(db), signaler, pollIntervalMs: 500, maxMessageBytes, backoff: { initialMs: 100, maxMs: 1000 }, logger: logger.child({}, { level: 'silent' }) });
    running.push(m);
    m.start();
    return m;
  };
  const docs = () => signaler.to(WF, 'documentReceived').map((c) => (c.arg as DocumentRef).documentId);

  /** The hotel answers in the thread with a distinct PDF each time. */
  async function reply(): Promise<string> {
    const k = ++n;
    const pdf = await renderFolioPdf({ hotelName: 'Quay Hotel', guests: [{ firstName: 'Mia', lastName: 'Novak' }], arrival: '2026-10-01', departure: '2026-10-02', folioNumber: `Q-${k}`, confirmationNumber: 'QH-1', currency: 'EUR', nightlyRate: 100 + k, taxRate: 0.1, layout: 'modern' });
    const t = mail.senders.transport('frontdesk@quay.example'); // the hotel's own mail system: its address, its DKIM key
    const messageId = `<reply-${k}@quay.example>`;
    await t.sendMail({ from: 'frontdesk@quay.example', to: replyTo, subject: 'Re: folio', inReplyTo: requestId, references: [requestId], messageId, text: `folio ${k}`, attachments: [{ filename: `folio-${k}.pdf`, content: pdf }] });
    t.close();
    return messageId;
  }

  before(async () => {
    const [mongo, m] = await Promise.all([startMongo(), startMail()]);
    mail = m;
    db = mongo.db();
    store = new Store(db);
    config = loadConfig({ ...mailEnv(mail, 'monitor'), LOG_LEVEL: 'warn' });
    const mailer = new Mailer(config);
    const sent = await createEmailActivities({ config, store, mailer }).sendEmailRequest({
      emailId: 'em-quay',
      kind: 'request',
      hotel: { hotelId: 'quay', name: 'Quay Hotel', phone: '+4912345678', emails: ['frontdesk@quay.example'], timeZone: 'Europe/Berlin', language: 'en', businessHours: {}, closedDates: [], channelPreference: 'email-only' },
      guests: [{ folioId: 'm1', workflowId: WF, guestName: 'Mia Novak', confirmationNumber: 'QH-1', checkIn: '2026-10-01', checkOut: '2026-10-02' }],
    });
    mailer.close();
    requestId = sent.messageId!;
    replyTo = `monitor+${(await store.emails.get('em-quay'))!.token}@folio.test`;
    signaler = new RecordingSignaler();
  });

  afterEach(async () => {
    while (running.length) await running.pop()!.stop();
  });

  it('picks up after a restart where it left off: nothing lost, nothing twice', async () => {
    for (let i = 0; i < 3; i++) await reply();
    const m1 = monitor();
    await signaler.waitFor(() => docs().length === 3);
    await m1.stop();
    for (let i = 0; i < 3; i++) await reply(); // arrive while nobody watches
    const m2 = monitor();
    await signaler.waitFor(() => docs().length === 6);
    await m2.caughtUp();
    assert.equal(new Set(docs()).size, 6, 'six distinct folios, each signalled once');
    assert.equal(m2.counters.duplicates, 0);
    assert.equal(m2.counters.messages, 3, 'the second monitor read only the new messages');
  });

  it('a message whose signal failed (Temporal unreachable) is processed again later; done ones are not', async () => {
    const before = docs().length;
    signaler.failing = new TemporalUnavailableError('signal documentReceived: Temporal is not reachable (14 UNAVAILABLE)');
    const m = monitor();
    const id = await reply();
    await waitUntil(() => m.counters.errors > 0);
    await m.stop();
    assert.equal(await store.inbox.processedMessage(`mid:${id.slice(1, -1)}`), null, 'not marked done');
    // the message waits: operators see its age as the inbox lag (folio_inbox_lag_seconds)
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok((await store.inbox.lagSeconds()) >= 1, 'the waiting message shows no inbox lag');
    signaler.failing = undefined;
    const again = monitor();
    await signaler.waitFor(() => docs().length === before + 1);
    await again.caughtUp();
    assert.equal(docs().length, before + 1);
    assert.equal(await store.inbox.lagSeconds(), 0, 'caught up, yet an inbox lag is shown');
  });

  it('a checkpoint that lags behind the ledger (crash after processing) causes no duplicate', async () => {
    const key = `${config.IMAP_USER}@${config.IMAP_HOST}:${config.IMAP_PORT}/${config.IMAP_MAILBOX}`;
    const cp = (await store.inbox.checkpoint(key))!;
    await store.inbox.saveCheckpoint(key, cp.uidValidity, cp.lastUid - 2);
    const before = docs().length;
    const m = monitor();
    await m.caughtUp();
    assert.equal(m.counters.duplicates, 2);
    assert.equal(docs().length, before);
  });

  it('reconnects with a new client after the connection drops, and reads what arrived meanwhile', async () => {
    const m = monitor();
    await m.caughtUp();
    const before = docs().length;
    (m as unknown as { client: ImapFlow }).client.close(); // as a network cut would
    await reply();
    await signaler.waitFor(() => docs().length === before + 1);
    assert.ok(m.counters.reconnects >= 1);
  });

  it('rescans the mailbox when UIDVALIDITY changes, without acting on any message twice', async () => {
    const before = docs().length;
    const total = n;
    mail.setUidValidity('monitor', 'INBOX', 4242);
    const m = monitor();
    await m.caughtUp();
    assert.equal(m.counters.rescans, 1);
    assert.equal(m.counters.duplicates, total, 'every earlier reply recognised by its Message-ID');
    assert.equal(docs().length, before);
    await reply();
    await signaler.waitFor(() => docs().length === before + 1);
  });

  it('does not download a message over the size limit, and queues it for an operator by its Message-ID', async () => {
    const before = docs().length;
    const raw = ['From: frontdesk@quay.example', `To: ${replyTo}`, 'Subject: Re: folio', 'Message-ID: <huge-1@quay.example>', `In-Reply-To: ${requestId}`, 'Content-Type: text/plain', '', 'x'.repeat(200_000)].join('\r\n');
    await mail.deliverLocal('monitor', raw);
    const m = monitor(50_000);
    await m.caughtUp();
    const queued = await store.unmatched.get('mid:huge-1@quay.example');
    assert.match(queued?.reason ?? '', /^message of 0\.2 MB is over the size limit and was not downloaded$/);
    assert.equal(docs().length, before);
  });

  it('stops promptly even while waiting to reconnect', async () => {
    const m = new InboxMonitor({ config: { ...config, IMAP_PORT: 1 }, store, documents: new GridFsDocumentStore(db), signaler, backoff: { initialMs: 20_000, maxMs: 20_000 }, logger: logger.child({}, { level: 'silent' }) });
    m.start();
    await waitUntil(() => m.counters.reconnects > 0);
    const t0 = Date.now();
    await m.stop();
    assert.ok(Date.now() - t0 < 1000, 'stop() does not sit out the backoff');
  });
});

async function waitUntil(pred: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 30));
  }
}
