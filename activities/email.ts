// Asking a hotel in writing: one email per hotel batch (or a reminder in the same thread). Idempotent
// by emailId: the thread is recorded before sending and a retry reuses its Message-ID and token.
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config';
import { logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import { PermanentMailError, type MailAttachment, type Mailer } from '../adapters/email/mailer';
import { composeEmail } from '../adapters/email/templates';
import type { EmailRequestInput, EmailRequestResult } from '../workflows/definitions';

const TOKEN_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no 0/o, 1/l: people retype tokens

/** 10 characters (50 bits) derived from the emailId: a retry gets the same token, nobody can guess another. */
export function replyToken(emailId: string, secret: string): string {
  const mac = createHmac('sha256', `reply-token:${secret}`).update(emailId).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += TOKEN_ALPHABET[mac[i]! % 32];
  return out;
}

/** `Folio Desk <folios@folio.test>` → `folios` */
export function fromUser(mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  return address.split('@')[0]!.split('+')[0]!;
}

export function ourMessageId(emailId: string, domain: string): string {
  return `<email-${emailId.replace(/[^A-Za-z0-9._=-]/g, '_')}@${domain}>`;
}

export function createEmailActivities(deps: { config: Config; store: Store; mailer: Mailer }) {
  const { config, mailer } = deps;
  const { emails, hotels, documents } = deps.store;

  /** The guests' signed forms the hotel asked for, attached to the email that answers it. */
  async function signedForms(input: EmailRequestInput): Promise<MailAttachment[]> {
    const out: MailAttachment[] = [];
    for (const g of input.guests) {
      if (g.ask?.kind !== 'authorization') continue;
      const { bytes, ref } = await documents.read(g.ask.document.documentId);
      const ext = ref.contentType === 'application/pdf' ? 'pdf' : (ref.contentType.split('/')[1] ?? 'bin');
      out.push({ filename: `authorisation-${g.confirmationNumber.replace(/[^\w-]/g, '_')}.${ext}`, content: bytes, contentType: ref.contentType });
    }
    return out;
  }
  const domain = config.MAIL_REPLY_DOMAIN;
  const secret = config.MAIL_TOKEN_SECRET;

  return {
    async sendEmailRequest(input: EmailRequestInput): Promise<EmailRequestResult> {
      const { emailId, hotel } = input;
      const existing = await emails.get(emailId);
      if (existing?.state === 'sent') return { emailId, messageId: existing.messageId, to: existing.to };
      if (existing?.state === 'rejected') return { emailId, rejected: existing.rejected ?? 'rejected' };

      const bad = new Set(await hotels.badAddresses(hotel.hotelId));
      // where the hotel told us (on the phone) to write for a guest, then what it told us on any call, then its addresses
      const given = input.guests.flatMap((g) => (g.writeTo ? [g.writeTo] : []));
      const to = existing?.to ?? [...given, ...(await hotels.learnedAddresses(hotel.hotelId)), ...hotel.emails].find((e) => !bad.has(e.toLowerCase()));
      if (!to) {
        const rejected = hotel.emails.length ? 'every email address on file was refused before' : 'no email address on file';
        return { emailId, rejected };
      }

      const thread = input.kind === 'reminder' && input.threadMessageId ? await emails.findByMessageId(input.threadMessageId) : null;
      const token = existing?.token ?? thread?.token ?? replyToken(emailId, secret);
      const content = composeEmail({
        kind: input.kind,
        language: hotel.language,
        hotelName: hotel.name,
        guests: input.guests,
        token,
        originalSubject: thread?.subject,
        timeZone: hotel.timeZone,
        followsCall: !!input.followsCall,
      });
      const attachments = await signedForms(input);
      const doc = await emails.beginSend({
        _id: emailId,
        hotelId: hotel.hotelId,
        kind: input.kind,
        messageId: ourMessageId(emailId, domain),
        token,
        to,
        subject: content.subject,
        threadMessageId: input.threadMessageId,
        hotelEmails: hotel.emails,
        guests: input.guests.map((g) => ({ folioId: g.folioId, workflowId: g.workflowId, confirmationNumber: g.confirmationNumber, guestName: g.guestName })),
      });

      const displayName = /^\s*"?([^"<]+?)"?\s*</.exec(config.MAIL_FROM)?.[1];
      const replyAddress = `${fromUser(config.MAIL_FROM)}+${doc.token}@${domain}`;
      try {
        const references = input.kind === 'reminder' && input.threadMessageId ? [...(thread?.threadMessageId ? [thread.threadMessageId] : []), input.threadMessageId] : undefined;
        await mailer.send({
          from: config.MAIL_FROM,
          to: doc.to,
          replyTo: displayName ? `"${displayName}" <${replyAddress}>` : replyAddress,
          subject: doc.subject,
          text: content.text,
          html: content.html,
          messageId: doc.messageId,
          inReplyTo: input.kind === 'reminder' ? input.threadMessageId : undefined,
          references,
          headers: { 'X-Folio-Ref': doc.token },
          ...(attachments.length && { attachments }),
        });
      } catch (e) {
        if (e instanceof PermanentMailError && e.recipientFault) {
          const reason = `smtp ${e.responseCode}: ${e.message}`.slice(0, 300);
          await hotels.markAddressBad(hotel.hotelId, doc.to);
          await emails.markRejected(emailId, reason);
          logger.warn({ emailId, hotelId: hotel.hotelId, code: e.responseCode }, 'hotel address refused permanently');
          return { emailId, rejected: reason };
        }
        if (e instanceof PermanentMailError) throw ApplicationFailure.nonRetryable(`our mail server refused us: ${e.message}`, 'MailConfigError');
        throw e; // temporary: Temporal retries with the same emailId, token and Message-ID
      }
      await emails.markSent(emailId, new Date());
      logger.info({ emailId, hotelId: hotel.hotelId, kind: input.kind, guests: input.guests.length }, 'email request sent');
      return { emailId, messageId: doc.messageId, to: doc.to };
    },
  };
}
