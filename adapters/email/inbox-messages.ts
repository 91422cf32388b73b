// What the inbox does with one message (the connection loop in inbox-monitor.ts hands each one over):
// classify it, correlate it with the requests we sent, store its attachments (GridFS; folios get a
// reference, never bytes), signal the folios it is for through the Temporal edge, and record it in the
// ledger so it is acted on exactly once. A message no rule ties to a folio waits for an operator.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { SignalDefinition } from '@temporalio/common';
import type { Config } from '../../config';
import type { Logger } from '../../config/logger';
import type { Store } from '../mongo/store';
import type { MessageOutcome } from '../mongo/inbox-ledger';
import type { UnmatchedMessage } from '../mongo/unmatched';
import { DocumentTooLargeError } from '../mongo/documents';
import type { DocumentStore } from '../../domain/ports';
import type { DocumentRef } from '../../domain/model';
import { correlate, guestsMentioned, normalizeMessageId, type IncomingFacts, type MatchedFolio, type SentThread } from '../../domain/correlation';
import { GONE, type Signaler } from '../../temporal/edge';
import { documentReceivedSignal, emailBouncedSignal, hotelRepliedSignal } from '../../workflows/definitions';
import { classify } from './classify';
import { factsOf, messageKey } from './message-facts';
import { SenderAuthenticator, type SenderAuth } from './sender-auth';
import { PDF_LIMITS, readPdfPages, type PdfPagesLimits } from './pdf-pages';
import { splitByGuestWith, type GuestPart, type SplitByGuest } from './guest-split';
import { LocalPdfExtractor } from '../extraction/local-pdf';
import { digestsEqual } from '../http/signing';

export type MessageCounters = Record<'messages' | 'duplicates' | 'signalled' | 'unmatched' | 'autoReplies' | 'bounces' | 'noSuchBooking' | 'rejectedAttachments', number>;

/** Where a message sits in the mailbox: its UID under a UIDVALIDITY. */
export interface MailboxPosition {
  uid: number;
  uidValidity: string;
}

export interface MailboxMessage extends MailboxPosition {
  size: number;
  /** The raw message; absent when it was over the size limit and not downloaded. */
  source?: Buffer;
  envelopeMessageId?: string;
  /** From the IMAP envelope: what a person needs to find a message that could not be handled. */
  envelopeFrom?: string;
  envelopeSubject?: string;
}

export interface MessageHandlerOptions {
  config: Pick<Config, 'MAIL_REPLY_DOMAIN' | 'MODE' | 'MAIL_AUTH_DNS' | 'MAIL_RECEIVED_BY'>;
  /** Who sent a message (DKIM, SPF, DMARC); default: built from the config. */
  senderAuth?: SenderAuthenticator;
  store: Store;
  /** Where attachments go (default: the store's documents). */
  documents?: DocumentStore;
  signaler: Signaler;
  logger: Logger;
  /** Counted into (shared with the connection loop's counters). */
  counters: MessageCounters;
  correlationWindowDays?: number;
  /** Bounds on reading a PDF attachment (pages, time, memory). */
  pdfLimits?: PdfPagesLimits;
  /** Divides a PDF answering several guests into each guest's pages (default: the local extractor's folios, cut by splitFolioPdf). */
  splitByGuest?: SplitByGuest;
}

interface Attachment {
  ref?: DocumentRef;
  filename?: string;
  bytes?: Buffer;
  text: string;
  /** A PDF's text per page (its first pages). */
  pages?: string[];
  rejected?: string;
}

/** Text of an attachment, to tell which guest it is for: a PDF's first pages (read in a worker thread, bounded), an HTML or text part. */
export async function attachmentText(bytes: Buffer, contentType: string, limits: PdfPagesLimits = PDF_LIMITS): Promise<{ text: string; pages?: string[]; refused?: string }> {
  if (contentType.startsWith('text/')) return { text: bytes.subarray(0, 2_000_000).toString('utf8').replace(/<[^>]+>/g, ' ') };
  if (contentType !== 'application/pdf') return { text: '' };
  const r = await readPdfPages(bytes, limits);
  // unreadable here is fine (extraction reports it properly later); too long or too slow is not a folio
  if (!r.ok) return r.total !== undefined || /within/.test(r.reason) ? { text: '', refused: r.reason } : { text: '' };
  return { text: r.pages.join('\n'), pages: r.pages };
}

/** Attachments read per message; a message with more is not a folio reply (the rest are refused, listed). */
export const MAX_ATTACHMENTS = 20;

export function isEncryptedPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).includes('%PDF-') && bytes.includes('/Encrypt');
}

export class MessageHandler {
  private readonly store: Store;
  private readonly documents: DocumentStore;
  private readonly log: Logger;
  private readonly counters: MessageCounters;
  private readonly senderAuth: SenderAuthenticator;
  private readonly splitByGuest: SplitByGuest;

  constructor(private readonly opts: MessageHandlerOptions) {
    this.store = opts.store;
    this.splitByGuest = opts.splitByGuest ?? splitByGuestWith(new LocalPdfExtractor());
    this.senderAuth = opts.senderAuth ?? SenderAuthenticator.forConfig(opts.config);
    this.documents = opts.documents ?? opts.store.documents;
    this.log = opts.logger;
    this.counters = opts.counters;
  }

  /** Acts on one message once: signals its folios, queues it as unmatched, or records why it needs nothing. */
  async handle(msg: MailboxMessage): Promise<void> {
    const { uid, size, source, envelopeMessageId } = msg;
    const at = { uid, uidValidity: msg.uidValidity };
    this.counters.messages++;
    const log = this.log.child({ uid });
    if (!source) {
      const key = envelopeMessageId ? messageKey(envelopeMessageId) : `uid:${msg.uidValidity}:${uid}`;
      if (await this.seen(key)) return;
      await this.unmatched(key, { from: '', subject: '', reason: `message of ${(size / 1048576).toFixed(1)} MB is over the size limit and was not downloaded`, candidates: [] }, at);
      log.warn({ size }, 'message over the size limit');
      return;
    }
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(source, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
    } catch (e) {
      const key = messageKey(undefined, source);
      if (await this.seen(key)) return;
      await this.unmatched(key, { from: '', subject: '', reason: `unreadable MIME: ${(e as Error).message}`, candidates: [] }, at);
      return;
    }
    const key = messageKey(parsed.messageId, source);
    if (await this.seen(key)) return;

    const threads = await this.store.emails.recentThreads(this.opts.correlationWindowDays ?? 30);
    const sender = await this.checkSender(source, log);
    const facts = factsOf(parsed, sender);
    const messageId = parsed.messageId ?? key;
    const kind = classify(parsed);
    const record = async (outcome: MessageOutcome, folioIds: string[], documentIds: string[], detail?: string) => {
      await this.store.inbox.markProcessed({ _id: key, ...at, outcome, detail, folioIds, documentIds, processedAt: new Date() });
      log.info({ outcome, folios: folioIds.length, documents: documentIds.length, detail }, 'message processed');
    };

    if (kind.kind === 'auto-reply') {
      this.counters.autoReplies++;
      return record('auto-reply', [], [], kind.reason);
    }
    if (kind.kind === 'bounce') return this.bounce(key, at, parsed, facts, kind.failedRecipients, kind.originalMessageId, threads, record);

    const atts = await this.storeAttachments(parsed, messageId, kind.kind === 'inline-folio', log);
    facts.attachmentTexts = atts.map((a) => `${a.filename ?? ''}\n${a.text}`);
    const learnedSenders = await this.vouchedSenders(threads.map((t) => t.hotelId));
    const corr = correlate(facts, threads, { replyDomain: this.opts.config.MAIL_REPLY_DOMAIN, learnedSenders, tokensEqual: digestsEqual });
    const usable = atts.filter((a) => a.ref && !a.rejected);
    const rejected = atts.filter((a) => a.rejected);
    const base = { from: facts.from, subject: facts.subject, sender: senderOf(facts) };

    if (!corr.matched) {
      return this.unmatched(key, { ...base, reason: corr.reason, candidates: corr.candidates.map((f) => f.folioId) }, at, parsed, atts);
    }
    if (kind.kind === 'no-such-booking' || kind.kind === 'form-required') {
      // what the hotel wrote is an outcome, as if said on a call: "no such booking", or "send us the guest's signed form"
      if (kind.kind === 'no-such-booking') this.counters.noSuchBooking++;
      else this.counters.signalled++;
      const targets = narrow(corr.folios, facts.text);
      await this.signalAll(targets, hotelRepliedSignal, { messageId, outcome: kind.kind === 'no-such-booking' ? { kind: 'no_such_booking' } : { kind: 'authorization_required' } });
      await this.store.emails.markAnswered(corr.emailIds);
      return record(kind.kind, targets.map((f) => f.folioId), [], kind.phrase);
    }
    if (!usable.length) {
      const reason = rejected.length ? `attachment refused: ${rejected.map((a) => `${a.filename ?? 'unnamed'} (${a.rejected})`).join('; ')}` : 'reply without a folio attached';
      return this.unmatched(key, { ...base, reason, candidates: corr.folios.map((f) => f.folioId) }, at, parsed, atts);
    }
    const signalled = new Set<string>();
    const delivered: string[] = [];
    const unattributed: Attachment[] = [];
    let gone = 0;
    for (const a of usable) {
      // Each folio gets only what is its own guest's: never another guest's pages.
      const given = await this.attribute(a, corr.folios, messageId, log);
      if (!given.length) unattributed.push(a);
      for (const { folio, ref } of given) {
        gone += await this.signalAll([folio], documentReceivedSignal, ref);
        signalled.add(folio.folioId);
        delivered.push(ref.documentId);
      }
    }
    const candidates = corr.folios.map((f) => f.folioId);
    const named = unattributed.map((a) => a.filename ?? 'unnamed').join(', ');
    const notOne = `names none of the ${corr.folios.length} guests of the request on pages of their own (an operator assigns it)`;
    if (!signalled.size) return this.unmatched(key, { ...base, reason: `attachment ${named} ${notOne}`, candidates }, at, parsed, atts);
    await this.store.emails.markAnswered(corr.emailIds);
    this.counters.signalled++;
    if (unattributed.length) await this.queueForOperator(key, { ...base, reason: `attachment ${named} ${notOne}`, candidates }, parsed, unattributed);
    const detail = [`rule ${corr.rule}`, rejected.length ? `${rejected.length} attachment(s) refused` : '', unattributed.length ? `${unattributed.length} attachment(s) left to an operator` : '', gone ? `${gone} folio workflow(s) already closed` : ''].filter(Boolean).join('; ');
    return record('signalled', [...signalled], delivered, detail);
  }

  /**
   * Per hotel: the senders vouched for at it or at any hotel of its chain — learned from an operator's assignment,
   * or configured as folio senders.
   */
  private async vouchedSenders(hotelIds: string[]): Promise<Map<string, string[]>> {
    const scopes = await this.store.hotels.senderScopes(hotelIds);
    const learned = await this.store.senders.forHotels([...scopes.values()].flatMap((s) => s.hotelIds));
    return new Map([...scopes].map(([hotelId, s]) => [hotelId, [...new Set([...s.hotelIds.flatMap((h) => learned.get(h) ?? []), ...s.folioSenders])]]));
  }

  /**
   * Which matched folios an attachment is for, and with what: all of it to the only guest of a request; a PDF
   * for several guests cut into each guest's own pages (kept as documents of their own, with their page range
   * in the original); another document only to the guests it names.
   */
  private async attribute(a: Attachment, folios: MatchedFolio[], messageId: string, log: Logger): Promise<{ folio: MatchedFolio; ref: DocumentRef }[]> {
    const ref = a.ref!;
    if (folios.length === 1) return [{ folio: folios[0]!, ref }];
    if (ref.contentType !== 'application/pdf') return guestsMentioned(folios, `${a.filename ?? ''}\n${a.text}`).map((folio) => ({ folio, ref }));
    let parts: GuestPart[];
    try {
      parts = await this.splitByGuest(a.bytes!, folios);
    } catch (e) {
      log.warn({ filename: a.filename, err: (e as Error).message }, 'could not divide a PDF by guest');
      return [];
    }
    const out: { folio: MatchedFolio; ref: DocumentRef }[] = [];
    for (const part of parts) {
      const folio = folios.find((f) => f.folioId === part.folioId)!;
      const [from, to] = part.pages;
      const own = part.bytes.equals(a.bytes!)
        ? ref
        : await this.documents.save(part.bytes, { filename: `${(a.filename ?? 'folio.pdf').replace(/\.pdf$/i, '')}-p${from}-${to}.pdf`, source: 'email', messageId, derivedFrom: { documentId: ref.documentId, pages: { from, to } } });
      out.push({ folio, ref: own });
    }
    return out;
  }

  /**
   * Gives up on a message whose handling failed `attempts` times: records it as failed in the ledger (so it is
   * never acted on later) and as a dead letter an operator sees with the reason.
   */
  async fail(msg: MailboxMessage, reason: string, attempts: number): Promise<void> {
    const key = msg.envelopeMessageId ? messageKey(msg.envelopeMessageId) : `uid:${msg.uidValidity}:${msg.uid}`;
    const detail = `after ${attempts} attempts: ${reason}`;
    await this.store.deadLetters.add({
      kind: 'mail',
      key,
      subject: `message ${msg.envelopeMessageId ?? '(no Message-ID)'} from ${msg.envelopeFrom || '(unknown)'}, subject "${msg.envelopeSubject ?? ''}" (UID ${msg.uid}, UIDVALIDITY ${msg.uidValidity})`,
      reason,
      attempts,
    });
    await this.store.inbox.markProcessed({ _id: key, uid: msg.uid, uidValidity: msg.uidValidity, outcome: 'failed', detail, folioIds: [], documentIds: [], processedAt: new Date() });
    this.log.error({ uid: msg.uid, attempts, reason }, 'message could not be handled: recorded as a dead letter');
  }

  /** The sender check; a check that cannot run authenticates nobody (the message waits for an operator). */
  private async checkSender(source: Buffer, log: Logger): Promise<SenderAuth> {
    try {
      return await this.senderAuth.check(source);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'sender check failed');
      return { address: '', authenticated: false, summary: `sender check failed: ${(e as Error).message}` };
    }
  }

  private async seen(key: string): Promise<boolean> {
    if (await this.store.inbox.processedMessage(key)) {
      this.counters.duplicates++;
      return true;
    }
    return false;
  }

  private async storeAttachments(parsed: ParsedMail, messageId: string, inlineFolio: boolean, log: Logger): Promise<Attachment[]> {
    const out: Attachment[] = [];
    const parts = parsed.attachments.filter((a) => !(a.contentDisposition === 'inline' && a.contentType.startsWith('image/') && a.size < 100_000)); // logos, signatures
    if (inlineFolio && typeof parsed.html === 'string') parts.push({ content: Buffer.from(parsed.html, 'utf8'), filename: 'folio.html', contentType: 'text/html' } as never);
    for (const [i, part] of parts.entries()) {
      const filename = part.filename;
      if (i >= MAX_ATTACHMENTS) {
        this.counters.rejectedAttachments++;
        out.push({ filename, text: '', rejected: `more than ${MAX_ATTACHMENTS} attachments: not read` });
        continue;
      }
      try {
        const ref = await this.documents.save(part.content, { filename, source: 'email', messageId });
        let rejected: string | undefined;
        if (ref.contentType === 'application/zip') rejected = 'a zip archive: not opened; ask the hotel for the PDF itself';
        else if (ref.contentType === 'application/pdf' && isEncryptedPdf(part.content)) rejected = 'the PDF is password-protected; ask the hotel for an unprotected copy';
        else if (!/^(application\/pdf|image\/|text\/html)/.test(ref.contentType)) rejected = `not a folio document (${ref.contentType})`;
        const read = rejected ? { text: '' } : await attachmentText(part.content, ref.contentType, this.opts.pdfLimits);
        rejected ??= read.refused;
        if (rejected) this.counters.rejectedAttachments++;
        out.push({ ref, filename, bytes: part.content, text: read.text, pages: read.pages, rejected });
      } catch (e) {
        if (!(e instanceof DocumentTooLargeError) && !(e instanceof Error && /empty/.test(e.message))) throw e;
        this.counters.rejectedAttachments++;
        log.warn({ filename, err: e.message }, 'attachment refused');
        out.push({ filename, text: '', rejected: e.message });
      }
    }
    return out;
  }

  /** Signals each folio once; a workflow that already ended is counted, not fatal. Returns how many were gone. */
  private async signalAll<T>(folios: MatchedFolio[], def: SignalDefinition<[T]>, arg: T): Promise<number> {
    let gone = 0;
    // Temporal unreachable throws: the message stays unprocessed and is read again later.
    for (const f of folios) if ((await this.opts.signaler.send(f.workflowId, def, arg)) === GONE) gone++;
    return gone;
  }

  /**
   * A delivery report counts only for a message we sent: it must name one of our Message-IDs (in the returned
   * headers, In-Reply-To or References) and, as failed, the address that message went to. Anyone can write
   * a report naming a hotel's address; only the real one carries what we sent.
   */
  private async bounce(
    key: string,
    at: MailboxPosition,
    parsed: ParsedMail,
    facts: IncomingFacts,
    failed: string[],
    originalMessageId: string | undefined,
    threads: SentThread[],
    record: (o: MessageOutcome, f: string[], d: string[], detail?: string) => Promise<void>,
  ): Promise<void> {
    this.counters.bounces++;
    const ours = new Set([originalMessageId, facts.inReplyTo, ...facts.references].filter((x): x is string => !!x).map(normalizeMessageId));
    const hit = threads.filter((t) => ours.has(normalizeMessageId(t.messageId)) && failed.includes(t.to.toLowerCase()));
    if (!hit.length) {
      const named = failed.length ? `${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ` and ${failed.length - 5} more` : ''}` : 'an unknown recipient';
      const why = ours.size ? 'that matches no request we sent to that address' : 'that names none of our Message-IDs';
      return this.unmatched(key, { from: facts.from, subject: facts.subject, sender: senderOf(facts), reason: `delivery report for ${named} ${why}`, candidates: [] }, at, parsed, []);
    }
    const folios: MatchedFolio[] = [];
    for (const t of hit) {
      await this.store.hotels.markAddressBad(t.hotelId, t.to.toLowerCase());
      for (const g of t.guests) if (!folios.some((f) => f.folioId === g.folioId)) folios.push({ ...g, emailId: t.emailId, hotelId: t.hotelId });
    }
    // each folio learns its address is bad and goes back to the phone (emailBouncedSignal)
    for (const t of hit) {
      const address = t.to.toLowerCase();
      const mine = folios.filter((f) => f.emailId === t.emailId);
      await this.signalAll(mine, emailBouncedSignal, { emailId: t.emailId, messageId: parsed.messageId ?? key, address, reason: `bounce: ${address}` });
    }
    await this.store.emails.markAnswered(hit.map((t) => t.emailId));
    return record('bounce', folios.map((f) => f.folioId), [], hit.map((t) => t.to.toLowerCase()).join(', '));
  }

  private async unmatched(key: string, m: OperatorQueueEntry, at: MailboxPosition, parsed?: ParsedMail, atts: Attachment[] = []): Promise<void> {
    this.counters.unmatched++;
    const doc = await this.queueForOperator(key, m, parsed, atts);
    await this.store.inbox.markProcessed({ _id: key, ...at, outcome: 'unmatched', detail: m.reason, folioIds: [], documentIds: doc.documents.map((d) => d.documentId), processedAt: new Date() });
    this.log.info({ uid: at.uid, reason: m.reason, candidates: m.candidates.length }, 'message unmatched');
  }

  /** Puts a message (with the attachments named) in the queue an operator assigns from. */
  private async queueForOperator(key: string, m: OperatorQueueEntry, parsed?: ParsedMail, atts: Attachment[] = []): Promise<UnmatchedMessage> {
    const doc: UnmatchedMessage = {
      _id: key,
      messageId: parsed?.messageId,
      from: m.from,
      ...(m.sender && { sender: m.sender }),
      subject: m.subject,
      receivedAt: parsed?.date ?? new Date(),
      reason: m.reason,
      candidates: m.candidates,
      documents: atts.filter((a) => a.ref).map((a) => a.ref!),
      rejectedAttachments: atts.filter((a) => a.rejected).map((a) => ({ filename: a.filename, reason: a.rejected! })),
      textExcerpt: (parsed?.text ?? '').slice(0, 2000),
    };
    await this.store.unmatched.put(doc);
    return doc;
  }
}

interface OperatorQueueEntry {
  from: string;
  subject: string;
  reason: string;
  candidates: string[];
  sender?: UnmatchedMessage['sender'];
}

function senderOf(facts: IncomingFacts): UnmatchedMessage['sender'] {
  return { authenticated: facts.senderAuthenticated, check: facts.senderCheck ?? '' };
}

function narrow(folios: MatchedFolio[], text: string): MatchedFolio[] {
  if (folios.length < 2) return folios;
  const named = guestsMentioned(folios, text);
  return named.length ? named : folios;
}
