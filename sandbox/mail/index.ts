// The sandbox mail system: SMTP in (smtp-server) → Dovecot IMAP for our domain, simulated hotels for the rest,
// and the DNS the receiver checks senders against (each hotel domain's DKIM key, SPF and DMARC records).
// Local delivery is an IMAP APPEND as the mailbox owner, so Dovecot assigns UIDs and wakes IDLE clients
// exactly as it would for mail its own LDA delivered.
import { freePort } from '../net';
import type { SMTPServer } from 'smtp-server';
import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotHandle, type MailUser, type Spawner } from './dovecot';
import { createSmtpServer, localUser, type HotelMail, type RecipientVerdict } from './smtp';
import { buildDsn } from './dsn';
import { startDnsServer, type DnsServer } from './dns';
import { SandboxSenders, type SenderIdentity } from './senders';

export type { HotelMail, RecipientVerdict, MailUser, SenderIdentity };

export interface MailSystem {
  smtpPort: number;
  imapPort: number;
  domain: string;
  users: MailUser[];
  dovecotPid: number;
  /** The DNS server (UDP, 127.0.0.1) holding the sandbox domains' DKIM, SPF and DMARC records. */
  dnsPort: number;
  /** Each other domain's sending identity and a mail client that sends as it (its address, its DKIM key). */
  senders: SandboxSenders;
  stop(): Promise<void>;
  /** Puts a raw message straight into a user's mailbox (tests: malformed MIME, odd senders). */
  deliverLocal(user: string, raw: Buffer | string, mailbox?: string): Promise<void>;
  /** Registers a simulated hotel; returns a function that unregisters it. */
  onHotelMail(handler: (mail: HotelMail) => Promise<void> | void): () => void;
  /** Decides, per remote recipient, to accept, refuse at RCPT (5xx), defer at RCPT (4xx) or accept and bounce (DSN). Default: accept. */
  setRecipientPolicy(policy: (address: string) => RecipientVerdict): void;
  setUidValidity(user: string, mailbox: string, uidValidity: number): void;
}


export async function startMailSystem(opts: {
  dataDir: string;
  smtpPort?: number;
  imapPort?: number;
  domain?: string;
  users?: MailUser[];
  maxMessageBytes?: number;
  /** The DNS server's port (0 or absent: any free port). */
  dnsPort?: number;
  /** How to start Dovecot (tests pass their process registry so nothing outlives the run). */
  spawn?: Spawner;
}): Promise<MailSystem> {
  const domain = opts.domain ?? 'folio.test';
  const users = opts.users ?? [{ user: 'folios', pass: 'folios' }];
  const imapPort = opts.imapPort ?? (await freePort());
  const dovecot: DovecotHandle = await startDovecot({ dataDir: opts.dataDir, port: imapPort, users, spawn: opts.spawn });
  let dns: DnsServer;
  try {
    dns = await startDnsServer({ port: opts.dnsPort });
  } catch (e) {
    await dovecot.stop();
    throw e;
  }

  const handlers = new Set<(mail: HotelMail) => Promise<void> | void>();
  let policy: (address: string) => RecipientVerdict = () => ({ action: 'accept' });
  const queues = new Map<string, Promise<void>>();

  // One APPEND at a time per mailbox owner keeps delivery order = arrival order.
  const deliverLocal = (user: string, raw: Buffer | string, mailbox = 'INBOX'): Promise<void> => {
    const account = users.find((u) => u.user === user);
    if (!account) return Promise.reject(new Error(`no mailbox for ${user}`));
    const prev = queues.get(user) ?? Promise.resolve();
    const next = prev.then(async () => {
      const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user, pass: account.pass }, logger: false });
      await client.connect();
      try {
        if (mailbox !== 'INBOX') await client.mailboxCreate(mailbox).catch(() => undefined);
        await client.append(mailbox, raw);
      } finally {
        await client.logout().catch(() => client.close());
      }
    });
    queues.set(user, next.catch(() => undefined));
    return next;
  };

  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  const smtp: SMTPServer = createSmtpServer({
    domain,
    users,
    maxMessageBytes: opts.maxMessageBytes ?? 60 * 1024 * 1024,
    deliverLocal: (user, raw) => deliverLocal(user, raw),
    recipientVerdict: (address) => policy(address),
    toHotels: (mail) => track(Promise.all([...handlers].map(async (h) => h(mail))).then(() => undefined)),
    bounce: (envelopeFrom, failedRecipient, reason, raw) => {
      const user = localUser(envelopeFrom, { domain, users });
      if (!user) return Promise.resolve(); // only our own senders get DSNs here
      const dsn = buildDsn({ reportingDomain: failedRecipient.split('@')[1] ?? 'remote.test', to: envelopeFrom, failedRecipient, diagnostic: `550 5.1.1 ${reason}`, original: raw });
      return track(deliverLocal(user, dsn));
    },
  });
  const smtpPort = await new Promise<number>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, '127.0.0.1', () => resolve((smtp.server.address() as { port: number }).port));
  }).catch(async (e: unknown) => {
    await dns.stop();
    await dovecot.stop();
    throw e;
  });
  const senders = new SandboxSenders(dns.zone, () => smtpPort);

  return {
    smtpPort,
    imapPort,
    domain,
    users,
    dovecotPid: dovecot.pid,
    dnsPort: dns.port,
    senders,
    deliverLocal,
    onHotelMail(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    setRecipientPolicy(p) {
      policy = p;
    },
    setUidValidity: (user, mailbox, v) => dovecot.setUidValidity(user, mailbox, v),
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await Promise.allSettled([...pending]);
      await dns.stop();
      await dovecot.stop();
    },
  };
}
