// The sandbox MTA: a real SMTP listener. Mail for our domain is delivered into Dovecot; mail for any
// other domain (the hotels) is handed to the simulated hotels, or refused / bounced as they decide.
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { MailUser } from './dovecot';

/** `defer` answers 451 at RCPT, as a greylisting or overloaded server does: the sender tries again later. */
export type RecipientVerdict = { action: 'accept' } | { action: 'reject'; reason: string } | { action: 'bounce'; reason: string } | { action: 'defer'; reason: string };

export interface HotelMail {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpRouting {
  domain: string;
  users: MailUser[];
  maxMessageBytes: number;
  deliverLocal(user: string, raw: Buffer): Promise<void>;
  recipientVerdict(address: string): RecipientVerdict;
  toHotels(mail: HotelMail): Promise<void>;
  bounce(envelopeFrom: string, failedRecipient: string, reason: string, raw: Buffer): Promise<void>;
}

const SMTP_ERROR = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export function localUser(address: string, routing: Pick<SmtpRouting, 'domain' | 'users'>): string | undefined | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== routing.domain.toLowerCase()) return null; // not ours
  const local = address.slice(0, at).split('+')[0]!.toLowerCase();
  return routing.users.find((u) => u.user.toLowerCase() === local)?.user;
}

export function createSmtpServer(routing: SmtpRouting): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: routing.maxMessageBytes,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const ok = routing.users.some((u) => u.user === auth.username && u.pass === auth.password);
      callback(ok ? null : SMTP_ERROR(535, '5.7.8 authentication failed'), ok ? { user: auth.username } : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const local = localUser(address.address, routing);
      if (local === undefined) return callback(SMTP_ERROR(550, `5.1.1 <${address.address}>: no such user here`));
      if (local !== null) return callback();
      const verdict = routing.recipientVerdict(address.address);
      if (verdict.action === 'reject') return callback(SMTP_ERROR(550, `5.1.1 <${address.address}>: ${verdict.reason}`));
      if (verdict.action === 'defer') return callback(SMTP_ERROR(451, `4.7.1 <${address.address}>: ${verdict.reason}`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => callback(e));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(SMTP_ERROR(552, '5.3.4 message exceeds the size limit'));
        const raw = Buffer.concat(chunks);
        route(routing, session, raw).then(
          () => callback(),
          (e: unknown) => callback(SMTP_ERROR(451, `4.3.0 delivery failed: ${e instanceof Error ? e.message : String(e)}`)),
        );
      });
    },
  });
}

/** The host name this MTA writes in its Received lines (`by …`): the receiver trusts only its own. */
export function mxHost(domain: string): string {
  return `mx.${domain}`;
}

/** The trace line a receiving MTA puts on top: who connected (EHLO name, address) and who received it. */
export function receivedLine(session: Pick<SMTPServerSession, 'hostNameAppearsAs' | 'remoteAddress' | 'id'>, by: string, rcpt: string, at = new Date()): string {
  const ip = session.remoteAddress.replace(/^::ffff:/, '');
  const helo = (session.hostNameAppearsAs || `[${ip}]`).replace(/[^\w.[\]:-]/g, '');
  return `Received: from ${helo} ([${ip}])\r\n\tby ${by} with ESMTP id ${session.id}\r\n\tfor <${rcpt}>; ${at.toUTCString()}\r\n`;
}

async function route(routing: SmtpRouting, session: SMTPServerSession, raw: Buffer): Promise<void> {
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const remote: string[] = [];
  for (const rcpt of session.envelope.rcptTo) {
    const user = localUser(rcpt.address, routing);
    if (user) {
      // What a real MTA adds on final delivery.
      const trace = Buffer.from(`Return-Path: <${envelopeFrom}>\r\nDelivered-To: ${rcpt.address}\r\n${receivedLine(session, mxHost(routing.domain), rcpt.address)}`);
      await routing.deliverLocal(user, Buffer.concat([trace, raw]));
    } else remote.push(rcpt.address);
  }
  if (!remote.length) return;
  const accepted: string[] = [];
  for (const rcpt of remote) {
    const verdict = routing.recipientVerdict(rcpt);
    if (verdict.action === 'bounce') {
      // Accepted now, refused later: the sender learns it from a DSN, as with a real remote server.
      setTimeout(() => void routing.bounce(envelopeFrom, rcpt, verdict.reason, raw).catch(() => undefined), 50);
    } else accepted.push(rcpt);
  }
  if (!accepted.length) return;
  const parsed = await simpleParser(raw);
  void routing.toHotels({ envelopeFrom, recipients: accepted, raw, parsed }).catch(() => undefined);
}
