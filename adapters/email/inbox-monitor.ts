// The inbox monitor's connection loop: keeps the mailbox open (IDLE, with a polling safety net),
// reconnects with a NEW imapflow client after any disconnect (with backoff), resumes from the
// (UIDVALIDITY, last UID) checkpoint, and hands each new message, in UID order, to the message handler
// (inbox-messages.ts); the checkpoint moves only past messages the handler has finished, or given up on:
// a message whose handling fails INBOX_MAX_ATTEMPTS times (not for an outage) becomes a dead letter.
import { ImapFlow } from 'imapflow';
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';
import type { Config } from '../../config';
import { logger as rootLogger, type Logger } from '../../config/logger';
import type { Store } from '../mongo/store';
import { MessageHandler, type MailboxMessage, type MessageCounters, type MessageHandlerOptions } from './inbox-messages';
import { TemporalUnavailableError, WorkflowNotAnsweringError } from '../../temporal/edge';

/** The connection's own options, and the message handler's (its logger and counters are the monitor's). */
export interface InboxMonitorOptions extends Omit<MessageHandlerOptions, 'config' | 'logger' | 'counters'> {
  config: Config;
  logger?: Logger;
  /** Safety-net poll (and the fallback when the server has no IDLE). */
  pollIntervalMs?: number;
  /** Messages larger than this are not downloaded at all. */
  maxMessageBytes?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export type InboxCounters = MessageCounters & Record<'errors' | 'reconnects' | 'rescans' | 'failed', number>;

/** An outage of what the handler needs (Temporal, the database): the message is fine, try it again later, uncounted. */
export function isOutage(e: unknown): boolean {
  return e instanceof TemporalUnavailableError || e instanceof WorkflowNotAnsweringError || e instanceof MongoNetworkError || e instanceof MongoServerSelectionError || e instanceof MongoNotConnectedError;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class InboxMonitor {
  readonly counters: InboxCounters = { messages: 0, duplicates: 0, signalled: 0, unmatched: 0, autoReplies: 0, bounces: 0, noSuchBooking: 0, rejectedAttachments: 0, errors: 0, reconnects: 0, rescans: 0, failed: 0 };
  private readonly store: Store;
  private readonly messages: MessageHandler;
  private readonly log: Logger;
  private readonly key: string;
  private client?: ImapFlow;
  private stopping = false;
  private loop?: Promise<void>;
  private draining?: Promise<void>;
  private again = false;
  private wakeFromBackoff?: () => void;
  private uidValidity = '';
  private lastUid = 0;

  constructor(private readonly opts: InboxMonitorOptions) {
    this.store = opts.store;
    this.log = (opts.logger ?? rootLogger).child({ component: 'inbox-monitor' });
    this.messages = new MessageHandler({ ...opts, logger: this.log, counters: this.counters });
    const c = opts.config;
    this.key = `${c.IMAP_USER}@${c.IMAP_HOST}:${c.IMAP_PORT}/${c.IMAP_MAILBOX}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();
    const client = this.client;
    if (client) await client.logout().catch(() => client.close());
    await this.loop;
  }

  /** Resolves when everything in the mailbox up to now has been processed (tests, graceful shutdown). */
  async caughtUp(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const client = this.client;
      if (client?.usable && !this.draining) {
        const status = await client.status(this.opts.config.IMAP_MAILBOX, { uidNext: true }).catch(() => false as const);
        if (status && status.uidNext !== undefined && this.lastUid >= status.uidNext - 1 && !this.draining) return;
        this.kick();
      }
      await sleep(50);
    }
    throw new Error(`inbox not caught up after ${timeoutMs} ms (last UID ${this.lastUid})`);
  }

  private async run(): Promise<void> {
    const backoff = this.opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delay = backoff.initialMs;
    while (!this.stopping) {
      const started = Date.now();
      try {
        await this.session();
      } catch (e) {
        if (this.stopping) break;
        this.counters.errors++;
        this.log.warn({ err: (e as Error).message }, 'imap session failed');
      }
      if (this.stopping) break;
      if (Date.now() - started > 60_000) delay = backoff.initialMs; // a long healthy session resets the backoff
      this.counters.reconnects++;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay + Math.floor(Math.random() * delay * 0.2)); // jitter: many monitors, one server
        this.wakeFromBackoff = () => {
          clearTimeout(t);
          resolve();
        };
      });
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }

  /** One connection's life: ends when the connection closes (an imapflow client never reconnects). */
  private async session(): Promise<void> {
    const c = this.opts.config;
    const client = new ImapFlow({ host: c.IMAP_HOST, port: c.IMAP_PORT, secure: c.IMAP_SECURE, auth: { user: c.IMAP_USER, pass: c.IMAP_PASS }, logger: false, maxIdleTime: 5 * 60_000 });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (e: Error) => this.log.warn({ err: e.message }, 'imap connection error'));
    await client.connect();
    if (this.stopping) {
      await client.logout().catch(() => client.close());
      return;
    }
    const box = await client.mailboxOpen(c.IMAP_MAILBOX);
    await this.syncCheckpoint(String(box.uidValidity));
    client.on('exists', () => this.kick());
    const poll = setInterval(() => this.kick(), this.opts.pollIntervalMs ?? 30_000);
    this.log.info({ mailbox: c.IMAP_MAILBOX, uidValidity: this.uidValidity, lastUid: this.lastUid, idle: client.capabilities.has('IDLE') }, 'watching the inbox');
    this.kick();
    try {
      await closed;
    } finally {
      clearInterval(poll);
      await this.draining?.catch(() => undefined);
    }
  }

  /** Handles a message; a failure that is not an outage is counted, and at the limit the message is given up on. */
  private async handleOrGiveUp(msg: MailboxMessage): Promise<void> {
    try {
      await this.messages.handle(msg);
    } catch (e) {
      if (isOutage(e)) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      const attempts = await this.store.inbox.recordFailure(msg, reason);
      const max = this.opts.config.INBOX_MAX_ATTEMPTS;
      this.log.warn({ uid: msg.uid, attempts, max, err: reason }, 'handling a message failed');
      if (attempts < max) throw e;
      this.counters.failed++;
      await this.messages.fail(msg, reason, attempts);
    }
  }

  private async syncCheckpoint(uidValidity: string): Promise<void> {
    const cp = await this.store.inbox.checkpoint(this.key);
    if (cp && cp.uidValidity === uidValidity) {
      this.uidValidity = uidValidity;
      this.lastUid = cp.lastUid;
      return;
    }
    if (cp) {
      // UIDs of the old validity mean nothing now: read everything again; the ledger drops what we had.
      this.counters.rescans++;
      this.log.warn({ was: cp.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: full rescan');
    }
    this.uidValidity = uidValidity;
    this.lastUid = 0;
    await this.store.inbox.saveCheckpoint(this.key, uidValidity, 0);
  }

  /** Coalesces wake-ups (EXISTS, poll, start) into one drain at a time. */
  private kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          await this.drain();
        } catch (e) {
          this.counters.errors++;
          this.log.error({ err: (e as Error).message }, 'inbox drain failed; will retry');
          break;
        }
      } while (this.again && !this.stopping);
    })().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    const client = this.client;
    if (!client?.usable || this.stopping) return;
    const mailbox = this.opts.config.IMAP_MAILBOX;
    const validity = this.uidValidity;
    let pending: (Omit<MailboxMessage, 'uidValidity'> & { arrivedAt?: Date })[];
    // Collect first, then process: IMAP commands inside a fetch iteration deadlock, and IDLE waits for the lock.
    const lock = await client.getMailboxLock(mailbox);
    try {
      const found = await client.fetchAll(`${this.lastUid + 1}:*`, { uid: true, size: true, envelope: true, internalDate: true }, { uid: true });
      pending = found
        .filter((m) => m.uid > this.lastUid) // `n:*` always returns the newest
        .map((m) => ({ uid: m.uid, size: m.size ?? 0, envelopeMessageId: m.envelope?.messageId, envelopeFrom: m.envelope?.from?.[0]?.address, envelopeSubject: m.envelope?.subject?.slice(0, 300), arrivedAt: arrival(m.internalDate) }));
    } finally {
      lock.release();
    }
    pending.sort((a, b) => a.uid - b.uid);
    // the inbox lag operators watch (folio_inbox_lag_seconds): how long the oldest waiting message has waited
    await this.store.inbox.saveCheckpoint(this.key, validity, this.lastUid, pending[0]?.arrivedAt ?? null);
    const maxBytes = this.opts.maxMessageBytes ?? 50 * 1024 * 1024;
    for (const m of pending) {
      if (this.stopping || validity !== this.uidValidity) return;
      let source: Buffer | undefined;
      if (m.size <= maxBytes) {
        const l = await client.getMailboxLock(mailbox);
        try {
          const msg = await client.fetchOne(String(m.uid), { source: true }, { uid: true });
          source = msg ? msg.source : undefined;
        } finally {
          l.release();
        }
        if (!source) continue; // expunged meanwhile
      }
      const { arrivedAt: _, ...seen } = m;
      await this.handleOrGiveUp({ ...seen, uidValidity: validity, source });
      this.lastUid = m.uid;
      await this.store.inbox.saveCheckpoint(this.key, validity, m.uid, pending.find((p) => p.uid > m.uid)?.arrivedAt ?? null);
    }
  }
}

/** The server's arrival time of a message (IMAP INTERNALDATE), when it gave a usable one. */
function arrival(internalDate: Date | string | undefined): Date | undefined {
  const d = internalDate === undefined ? undefined : new Date(internalDate);
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
