// What a received message says about itself, read once from its parsed form: the facts correlation works on
// (ids, recipients, sender and its authentication) and the key the inbox ledger records it under.
import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { normalizeMessageId, type IncomingFacts } from '../../domain/correlation';
import type { SenderAuth } from './sender-auth';

/** The ledger key of a message: its Message-ID (hashed when absurdly long), else the hash of its bytes. */
export function messageKey(messageId: string | undefined, source?: Buffer): string {
  if (messageId) {
    const id = normalizeMessageId(messageId);
    return id.length <= 160 ? `mid:${id}` : `mid-sha:${createHash('sha256').update(id).digest('hex')}`;
  }
  return `sha:${createHash('sha256').update(source ?? Buffer.alloc(0)).digest('hex')}`;
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  if (!a) return [];
  return (Array.isArray(a) ? a : [a]).flatMap((x) => x.value.map((v) => v.address ?? '')).filter(Boolean);
}

export function factsOf(parsed: ParsedMail, sender: SenderAuth): IncomingFacts {
  const refs = parsed.references ? (Array.isArray(parsed.references) ? parsed.references : parsed.references.split(/\s+/)) : [];
  const delivered = parsed.headers.get('delivered-to');
  return {
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo?.split(/\s+/)[0],
    references: refs.filter(Boolean),
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc), ...(typeof delivered === 'string' ? [delivered] : [])],
    subject: parsed.subject ?? '',
    from: parsed.from?.value?.[0]?.address ?? '',
    senderAuthenticated: sender.authenticated,
    senderCheck: sender.summary,
    text: parsed.text ?? '',
  };
}
