// Sends mail over SMTP with nodemailer. Tells a permanent refusal of the recipient (5xx to RCPT TO: the
// address is bad, stop trying it) from a refusal of us and from a temporary failure (4xx, network: retry).
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config';

export interface OutgoingMail {
  from: string;
  to: string;
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export class PermanentMailError extends Error {
  override name = 'PermanentMailError';
  constructor(
    message: string,
    readonly responseCode: number,
    readonly recipient: string,
    /** False when the refusal is about us (authentication, sender), not the hotel's address. */
    readonly recipientFault = true,
  ) {
    super(message);
  }
}

export class TemporaryMailError extends Error {
  override name = 'TemporaryMailError';
}

interface SmtpFailure {
  responseCode?: number;
  command?: string;
  response?: string;
  code?: string;
  message?: string;
  rejectedErrors?: SmtpFailure[];
}

export class Mailer {
  private readonly transport: Transporter;

  constructor(config: Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASS'>, opts: { dkim?: DkimOptions; timeoutMs?: number } = {}) {
    this.transport = nodemailer.createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } : undefined,
      dkim: opts.dkim,
      connectionTimeout: opts.timeoutMs ?? 15_000,
      greetingTimeout: opts.timeoutMs ?? 15_000,
      socketTimeout: (opts.timeoutMs ?? 15_000) * 4,
    });
  }

  /** Returns the Message-ID actually sent (ours). */
  async send(msg: OutgoingMail): Promise<string> {
    try {
      const info = await this.transport.sendMail({
        from: msg.from,
        to: msg.to,
        replyTo: msg.replyTo,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
        messageId: msg.messageId,
        inReplyTo: msg.inReplyTo,
        references: msg.references,
        headers: msg.headers,
        attachments: msg.attachments,
      });
      if (info.rejected?.length) throw new PermanentMailError(`recipient refused: ${String(info.response)}`, 550, msg.to);
      return info.messageId ?? msg.messageId;
    } catch (e) {
      throw classifySmtpError(e, msg.to);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export function classifySmtpError(e: unknown, recipient: string): Error {
  if (e instanceof PermanentMailError || e instanceof TemporaryMailError) return e;
  const f = (e ?? {}) as SmtpFailure;
  const code = f.responseCode ?? f.rejectedErrors?.[0]?.responseCode;
  const text = f.response ?? f.rejectedErrors?.[0]?.response ?? f.message ?? String(e);
  if (f.code === 'EAUTH' || /^(AUTH|MAIL FROM)/i.test(f.command ?? '')) return new PermanentMailError(text, code ?? 535, recipient, false);
  // only a refusal of the recipient itself speaks against the hotel's address; a 5xx at the greeting, EHLO or
  // DATA is our mail server refusing us (misconfigured, shutting down, refusing the content)
  const aboutRecipient = /^RCPT/i.test(f.command ?? '') || !!f.rejectedErrors?.length;
  if (code !== undefined && code >= 500) return new PermanentMailError(text, code, recipient, aboutRecipient);
  return new TemporaryMailError(`${f.code ?? 'SMTP'} ${code ?? ''} ${text}`.replace(/\s+/g, ' ').trim());
}
