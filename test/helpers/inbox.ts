// One test file's inbox on the shared sandbox mail system: its own mailbox and database, the real mailer
// sending our requests, the real inbox monitor reading replies, and a recorder where Temporal would be.
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor, type InboxMonitorOptions } from '../../adapters/email/inbox-monitor';
import { createEmailActivities } from '../../activities/email';
import type { MailSystem } from '../../sandbox/mail';
import type { BatchGuest, HotelSnapshot } from '../../domain/model';
import { normalizeMessageId } from '../../domain/correlation';
import { startMongo } from './stack';
import { startMail, mailEnv, RecordingSignaler } from './mail';

export interface TestInbox {
  mail: MailSystem;
  db: Db;
  store: Store;
  config: Config;
  signaler: RecordingSignaler;
  monitor: InboxMonitor;
  /** Sends our written request for these guests to the hotel (the real activity, over SMTP); returns its thread. */
  request(emailId: string, hotel: HotelSnapshot, guests: BatchGuest[]): Promise<{ messageId: string; token: string }>;
  /** How the inbox handled the message with this Message-ID (waits until it has). */
  outcome(messageId: string): Promise<{ processed: NonNullable<Awaited<ReturnType<Store['inbox']['processedMessage']>>>; unmatched: Awaited<ReturnType<Store['unmatched']['get']>> }>;
  stop(): Promise<void>;
}

export const testHotel = (hotelId: string, email: string): HotelSnapshot => ({
  hotelId,
  name: `Hotel ${hotelId}`,
  phone: '+33123456789',
  emails: [email],
  timeZone: 'Europe/Paris',
  language: 'en',
  businessHours: {},
  closedDates: [],
  channelPreference: 'email-first',
});

export const testGuest = (id: string, name: string, conf: string, clientId = 'c1'): BatchGuest => ({ folioId: id, workflowId: `folio:${clientId}:${id}`, guestName: name, confirmationNumber: conf, checkIn: '2026-09-10', checkOut: '2026-09-12' });

export async function waitUntil(pred: () => Promise<boolean> | boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startTestInbox(user: string, opts: { env?: Record<string, string>; monitor?: (store: Store) => Partial<InboxMonitorOptions> } = {}): Promise<TestInbox> {
  const [mongo, mail] = await Promise.all([startMongo(), startMail()]);
  const db = mongo.db();
  const store = new Store(db, { maxDocumentBytes: 20 * 1024 * 1024 });
  await store.ensureIndexes();
  const config = loadConfig({ ...mailEnv(mail, user), LOG_LEVEL: 'warn', ...opts.env });
  const mailer = new Mailer(config);
  const send = createEmailActivities({ config, store, mailer }).sendEmailRequest;
  const signaler = new RecordingSignaler();
  const monitor = new InboxMonitor({ config, store, signaler, pollIntervalMs: 500, logger: logger.child({}, { level: 'silent' }), ...opts.monitor?.(store) });
  monitor.start();
  return {
    mail,
    db,
    store,
    config,
    signaler,
    monitor,
    async request(emailId, hotel, guests) {
      await send({ emailId, kind: 'request', hotel, guests });
      const sent = (await store.emails.get(emailId))!;
      return { messageId: sent.messageId, token: sent.token };
    },
    async outcome(messageId) {
      const key = `mid:${normalizeMessageId(messageId)}`;
      await waitUntil(async () => !!(await store.inbox.processedMessage(key)), 30_000, `the inbox to handle ${messageId}`);
      return { processed: (await store.inbox.processedMessage(key))!, unmatched: await store.unmatched.get(key) };
    },
    async stop() {
      await monitor.stop();
      mailer.close();
    },
  };
}
