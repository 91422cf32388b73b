// The simulated hotels' mail, through the real mail path: our real email activity sends each request over
// SMTP to the sandbox mail system, the hotel reads it there (its guest lines) and decides from the
// population what to answer and when (only in its mail hours); the answer is a real message sent over
// SMTP into our Dovecot mailbox, where the real inbox monitor classifies and correlates it and signals the
// folio. In compressed time the Temporal test server holds its clock only while an activity runs, so every
// step that happens outside the server (the hotel reading a request, a bounce coming back, our inbox
// handling an answer) is waited for inside the activity that caused it.
import { createHash } from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../config';
import { logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import { Mailer } from '../adapters/email/mailer';
import { InboxMonitor } from '../adapters/email/inbox-monitor';
import { parseGuestLines } from '../adapters/email/templates';
import { createEmailActivities } from '../activities/email';
import { domainOf, normalizeMessageId } from '../domain/correlation';
import type { BatchGuest } from '../domain/model';
import type { DocumentStore } from '../domain/ports';
import type { EmailActivities } from '../workflows/activity-types';
import type { Signaler } from '../temporal/edge';
import { startMailSystem, type HotelMail, type MailSystem, type RecipientVerdict } from '../sandbox/mail';
import { hotelAnswerText, hotelMessageHeaders } from '../sandbox/hotels/mail-responder';
import {
  drawEmailReplyHours,
  drawReplyContent,
  drawReplyVariant,
  hotelMailbox,
  mailMomentAt,
  RATES,
  writtenAnswer,
  type GuestTruth,
  type Rng,
  type SandboxHotel,
} from '../sandbox/population';
import { startProcess, tempDir } from '../test/helpers/stack';
import { renderFolio } from './sim-folio';
import type { HotelMessage, HotelReplyInput, MessageGuest } from './sim-workflows';

const HOUR = 3_600_000;
export const SIM_MAIL_DOMAIN = 'folio.test';
const MAILBOX = { user: 'folios', pass: 'folios-sim' };
const WORKING_BOXES = ['frontdesk', 'reservations', 'accounting'] as const;

/** A booking as the hotel's property system knows it: only guests the hotel really has. */
export interface Booking extends BatchGuest {
  truth: GuestTruth;
}

/** What the hotels' mail needs from the simulated world. */
export interface HotelSide {
  hotels: ReadonlyMap<string, SandboxHotel>;
  booking(hotelId: string, confirmationNumber: string): Booking | undefined;
  rngFor(key: string): Rng;
  /** Server time (held still while the activity that asks runs). */
  now(): Promise<number>;
  scheduleReply(replyId: string, input: HotelReplyInput): Promise<void>;
  tally(what: string, key: string): void;
}

/** Counts of what the mail did in a run, by kind (printed with the results). */
export type MailTally = Record<string, Record<string, number>>;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SimMail {
  private readonly read = new Set<string>();
  private readonly byDomain = new Map<string, SandboxHotel>();
  private readonly chainAddresses = new Set<string>();
  private store?: Store;
  private monitor?: InboxMonitor;

  private constructor(
    readonly system: MailSystem,
    private readonly side: HotelSide,
  ) {
    for (const h of side.hotels.values()) {
      this.byDomain.set(h.behaviour.domain, h);
      if (h.behaviour.chain) this.chainAddresses.add(h.behaviour.chain.address);
    }
  }

  /** Starts the sandbox mail system (SMTP + Dovecot, stopped with the stack) and the hotels reading their mail. */
  static async start(side: HotelSide): Promise<SimMail> {
    const system = await startMailSystem({ dataDir: tempDir('sim-mail'), domain: SIM_MAIL_DOMAIN, users: [MAILBOX], spawn: (cmd, args) => startProcess(cmd, args) });
    const mail = new SimMail(system, side);
    system.setRecipientPolicy((address) => mail.verdict(address));
    system.onHotelMail((m) => mail.onRequest(m));
    return mail;
  }

  /** The configuration our side runs with against this mail system. */
  configEnv(): Record<string, string> {
    return {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.system.smtpPort),
      IMAP_HOST: '127.0.0.1',
      IMAP_PORT: String(this.system.imapPort),
      IMAP_USER: MAILBOX.user,
      IMAP_PASS: MAILBOX.pass,
      IMAP_MAILBOX: 'INBOX',
      MAIL_FROM: `Folio Desk <${MAILBOX.user}@${SIM_MAIL_DOMAIN}>`,
      MAIL_REPLY_DOMAIN: SIM_MAIL_DOMAIN,
      // sender checks (DKIM, SPF, DMARC) ask the mail system's own DNS, where each hotel domain publishes its keys
      MAIL_AUTH_DNS: `127.0.0.1:${this.system.dnsPort}`,
    };
  }

  /** Our real inbox monitor on our mailbox, signalling through the given edge. */
  startInbox(deps: { config: Config; store: Store; documents: DocumentStore; signaler: Signaler }): void {
    this.store = deps.store;
    this.monitor = new InboxMonitor({ ...deps, logger: logger.child({}, { level: 'warn' }), pollIntervalMs: 2_000 });
    this.monitor.start();
  }

  get inboxCounters() {
    return this.monitor?.counters;
  }

  /** Our real email activity, waiting (in the activity, so simulated time stands still) until the hotel has read the request or its bounce is handled. */
  emailActivities(deps: { config: Config; store: Store; record(input: Parameters<EmailActivities['sendEmailRequest']>[0], rejected: boolean): void }): EmailActivities {
    const real = createEmailActivities({ config: deps.config, store: deps.store, mailer: new Mailer(deps.config) });
    return {
      sendEmailRequest: async (input) => {
        const r = await real.sendEmailRequest(input);
        deps.record(input, !!r.rejected);
        if (r.rejected || !r.messageId || !r.to) return r;
        const verdict = this.verdict(r.to);
        if (verdict.action === 'accept') await this.untilRead(r.messageId);
        else if (verdict.action === 'bounce') await this.untilBounceHandled(deps.store, input.emailId);
        return r;
      },
    };
  }

  async stop(): Promise<void> {
    await this.monitor?.stop().catch(() => undefined);
  }

  /** The hotels' mail servers: a working mailbox accepts; the dead address on file is refused at RCPT or bounced later; anything else is unknown. */
  verdict(address: string): RecipientVerdict {
    const a = address.toLowerCase();
    if (this.chainAddresses.has(a)) return { action: 'accept' };
    const h = this.byDomain.get(domainOf(a));
    if (!h) return { action: 'reject', reason: 'no such domain' };
    const local = a.slice(0, a.lastIndexOf('@'));
    if (!(WORKING_BOXES as readonly string[]).includes(local)) return { action: 'reject', reason: 'no such user' };
    if (h.behaviour.emailBounces && a === hotelMailbox(h.behaviour, 'frontdesk')) {
      return h.behaviour.bounceAtRcpt ? { action: 'reject', reason: 'mailbox unavailable' } : { action: 'bounce', reason: 'mailbox unavailable' };
    }
    return { action: 'accept' };
  }

  private async untilRead(messageId: string): Promise<void> {
    const id = normalizeMessageId(messageId);
    for (const deadline = Date.now() + 60_000; !this.read.has(id); await wait(20)) {
      if (Date.now() > deadline) throw new Error(`the simulated hotel did not read ${messageId} within 60 s`);
    }
  }

  private async untilBounceHandled(store: Store, emailId: string): Promise<void> {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await wait(100)) {
      if ((await store.emails.get(emailId))?.answeredAt) return;
    }
    process.stderr.write(`[sim-mail] the bounce of ${emailId} was not handled within 120 s\n`);
  }

  /** A request or reminder reached a hotel: it answers (or not) as its inbox and each guest's truth say. */
  private async onRequest(mail: HotelMail): Promise<void> {
    const id = normalizeMessageId(mail.parsed.messageId ?? '');
    try {
      for (const rcpt of mail.recipients) await this.answer(rcpt.toLowerCase(), mail, id);
    } catch (e) {
      process.stderr.write(`[sim-mail] a hotel could not answer ${id}: ${String(e)}\n`);
    } finally {
      this.read.add(id);
    }
  }

  private async answer(rcpt: string, mail: HotelMail, id: string): Promise<void> {
    const h = this.byDomain.get(domainOf(rcpt));
    const guests = parseGuestLines(mail.parsed.text ?? '');
    if (!h || !guests.length) return;
    const b = h.behaviour;
    const rng = this.side.rngFor(`read:${id}:${rcpt}`);
    const hours = drawEmailReplyHours(b, rng);
    this.side.tally('written requests read', hours === undefined ? 'left unanswered' : 'answered');
    if (hours === undefined) return;
    const now = await this.side.now();
    // one message per kind of answer: the folios in one, "no such booking" in another…
    const groups = new Map<HotelMessage['answer'], MessageGuest[]>();
    for (const g of guests) {
      const booking = this.side.booking(h.config.hotelId, g.confirmationNumber);
      const answer = booking ? writtenAnswer(booking.truth) : 'no_booking';
      const entry: MessageGuest = { ...g, folioWorkflowId: booking?.workflowId, content: answer === 'folio' ? drawReplyContent(b, rng) : undefined };
      groups.set(answer, [...(groups.get(answer) ?? []), entry]);
    }
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? mail.parsed.from?.value[0]?.address ?? mail.envelopeFrom;
    const plain = mail.parsed.from?.value[0]?.address ?? mail.envelopeFrom;
    const refs = mail.parsed.references ? (Array.isArray(mail.parsed.references) ? mail.parsed.references : [mail.parsed.references]) : [];
    for (const [answer, gs] of [...groups].sort(([a], [b2]) => a.localeCompare(b2))) {
      const v = drawReplyVariant(b, rng, false);
      const at = mailMomentAt(h, now + (hours + v.extraHours) * HOUR);
      const message = this.message(h, v.variant, answer, gs, {
        mailbox: rcpt,
        replyTo,
        plainAddress: plain,
        request: { messageId: mail.parsed.messageId ?? `<${id}>`, references: refs, subject: mail.parsed.subject ?? '' },
        keepSubject: rng() < RATES.chainKeepsSubject,
        key: `${id}:${rcpt}:${answer}`,
      });
      await this.side.scheduleReply(`mail:${hash(message.messageId)}`, { atMs: at, message });
    }
  }

  /** The folios a person promised on the phone: emailed to the address our agent gave, in the hotel's mail hours. */
  async promised(h: SandboxHotel, callId: string, replyTo: string, guests: MessageGuest[], hours: number, rng: Rng): Promise<void> {
    const v = drawReplyVariant(h.behaviour, rng, true);
    const at = mailMomentAt(h, (await this.side.now()) + (hours + v.extraHours) * HOUR);
    const plain = replyTo.replace(/\+[^@]*@/, '@');
    const message = this.message(h, v.variant, 'folio', guests, { mailbox: hotelMailbox(h.behaviour, 'frontdesk'), replyTo, plainAddress: plain, keepSubject: false, key: `call:${callId}` });
    await this.side.scheduleReply(`mail:${hash(message.messageId)}`, { atMs: at, message });
  }

  private message(
    h: SandboxHotel,
    variant: HotelMessage['variant'],
    answer: HotelMessage['answer'],
    guests: MessageGuest[],
    c: { mailbox: string; replyTo: string; plainAddress: string; request?: { messageId: string; references: string[]; subject: string }; keepSubject: boolean; key: string },
  ): HotelMessage {
    const b = h.behaviour;
    const otherMailbox = hotelMailbox(b, c.mailbox.startsWith('accounting@') ? 'reservations' : 'accounting');
    const headers = hotelMessageHeaders(variant, { hotelName: h.config.name, language: h.config.language, mailbox: c.mailbox, otherMailbox, chain: b.chain, replyTo: c.replyTo, plainAddress: c.plainAddress, request: c.request, keepSubject: c.keepSubject }, guests);
    const fromDomain = domainOf(headers.from.replace(/>$/, ''));
    this.side.tally('hotel messages', `${variant} (${answer})`);
    return { messageId: `<${variant}-${hash(c.key)}@${fromDomain}>`, hotelId: h.config.hotelId, hotelName: h.config.name, language: h.config.language, variant, answer, guests, ...headers };
  }

  /** The activity of the hotel's outbox: sends the message and returns once our inbox has handled it (what it did with it). */
  async send(m: HotelMessage): Promise<string> {
    const signature = m.variant === 'chain-accounting' ? 'Accounts Payable' : m.hotelName;
    const attachments: Mail.Attachment[] =
      m.answer === 'folio'
        ? await Promise.all(
            m.guests.map(async (g) => ({
              filename: `Folio_${g.confirmationNumber}.pdf`,
              contentType: 'application/pdf',
              content: await renderFolio({ ...g, hotelName: m.hotelName, language: m.language, content: g.content ?? 'correct' }),
            })),
          )
        : [];
    // sent as the hotel's domain sends (from its own address, DKIM-signed), so our sender checks see what
    // they see of real hotels
    const transport = this.system.senders.transport(m.from);
    await transport.sendMail({
      from: m.from,
      to: m.to,
      subject: m.subject,
      messageId: m.messageId,
      inReplyTo: m.inReplyTo,
      references: m.references,
      text: hotelAnswerText(m.language, m.answer, m.guests, signature),
      attachments,
    });
    transport.close();
    const key = `mid:${normalizeMessageId(m.messageId)}`;
    for (const deadline = Date.now() + 5 * 60_000; ; await wait(50)) {
      const done = (await this.store?.inbox.processedMessage(key))?.outcome;
      if (done) {
        this.side.tally('inbox handled (variant → outcome)', `${m.variant} → ${done}`);
        return done;
      }
      if (Date.now() > deadline) throw new Error(`our inbox did not handle ${m.messageId} within 5 minutes`);
    }
  }
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
