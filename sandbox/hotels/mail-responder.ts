// Simulated hotels answering our written requests: the front desk reads the guest lines, waits as long
// as its profile says, and replies through the sandbox SMTP server as its own domain's mail system would
// (from the domain's address, DKIM-signed with its key).
import type { Attachment } from 'nodemailer/lib/mailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Logger } from '../../config/logger';
import { multiGuestFolio, renderFolioPdf, type FolioSpec } from '../folio-pdf';
import { parseGuestLines, type TemplateGuest } from '../../adapters/email/templates';
import { emailProfile, type EmailProfile } from '../profiles/email';
import type { HotelMail, MailSystem } from '../mail';
import type { Store } from '../../adapters/mongo/store';

export interface SimulatedHotel {
  hotelId: string;
  name: string;
  profile: string;
  language?: string;
}

/** Address → simulated hotel. Synchronous, because the SMTP server decides at RCPT TO time. */
export interface HotelDirectory {
  lookup(address: string): SimulatedHotel | undefined;
}

export function staticDirectory(hotels: Record<string, SimulatedHotel>): HotelDirectory {
  const byAddress = new Map(Object.entries(hotels).map(([a, h]) => [a.toLowerCase(), h]));
  return { lookup: (a) => byAddress.get(a.toLowerCase()) };
}

/** The sandbox's hotels collection, re-read every few seconds. */
export function storeDirectory(store: Store, refreshMs = 5000): HotelDirectory & { refresh(): Promise<void>; stop(): void } {
  let byAddress = new Map<string, SimulatedHotel>();
  const refresh = async () => {
    const next = new Map<string, SimulatedHotel>();
    for (const h of await store.hotels.simulated()) {
      for (const e of h.emails ?? []) next.set(e.toLowerCase(), { hotelId: h.hotelId, name: h.name, profile: h.sandboxProfile!, language: h.language });
    }
    byAddress = next;
  };
  const timer = setInterval(() => void refresh().catch(() => undefined), refreshMs);
  timer.unref();
  return { lookup: (a) => byAddress.get(a.toLowerCase()), refresh, stop: () => clearInterval(timer) };
}

/** What a hotel writes back, per language: the kinds of answer a front desk or accounting office gives. */
export type HotelAnswer = 'folio' | 'no_booking' | 'refusal' | 'auth_form' | 'sent_to_guest';
export const HOTEL_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'] as const;
type HotelLanguage = (typeof HOTEL_LANGUAGES)[number];

interface HotelWords {
  dear: string;
  regards: string;
  invoice: string;
  answer: Record<HotelAnswer, string>;
}

const WORDS: Record<HotelLanguage, HotelWords> = {
  en: {
    dear: 'Dear Sir or Madam,',
    regards: 'Best regards,',
    invoice: 'Invoice',
    answer: {
      folio: 'Please find the folio(s) attached.',
      no_booking: "I'm sorry, but we do not have a booking under the name(s) and confirmation number(s) you sent.",
      refusal: 'For data protection reasons we send folios to the guest only.',
      auth_form: 'To release a folio to a third party we need a guest authorisation form signed by the guest. Please send it to us.',
      sent_to_guest: 'The folio was already sent to the guest by email at check-out.',
    },
  },
  de: {
    dear: 'Sehr geehrte Damen und Herren,',
    regards: 'Mit freundlichen Grüßen',
    invoice: 'Rechnung',
    answer: {
      folio: 'anbei erhalten Sie die Rechnung(en).',
      no_booking: 'leider haben wir keine Buchung unter diesem Namen und dieser Bestätigungsnummer gefunden.',
      refusal: 'aus Datenschutzgründen senden wir Rechnungen nur an den Gast.',
      auth_form: 'für die Herausgabe an Dritte benötigen wir eine vom Gast unterschriebene Vollmacht. Bitte senden Sie uns diese zu.',
      sent_to_guest: 'die Rechnung wurde dem Gast bereits bei der Abreise per E-Mail zugesandt.',
    },
  },
  fr: {
    dear: 'Madame, Monsieur,',
    regards: 'Cordialement,',
    invoice: 'Facture',
    answer: {
      folio: 'veuillez trouver ci-joint la ou les facture(s).',
      no_booking: "nous n'avons trouvé aucune réservation à ce nom avec ce numéro de confirmation.",
      refusal: "pour des raisons de protection des données, nous n'envoyons les factures qu'au client.",
      auth_form: "pour transmettre une facture à un tiers, nous avons besoin d'une autorisation signée par le client. Merci de nous la faire parvenir.",
      sent_to_guest: 'la facture a déjà été envoyée au client par e-mail à son départ.',
    },
  },
  es: {
    dear: 'Estimados señores:',
    regards: 'Atentamente,',
    invoice: 'Factura',
    answer: {
      folio: 'adjuntamos la(s) factura(s).',
      no_booking: 'no tenemos ninguna reserva a ese nombre con ese número de confirmación.',
      refusal: 'por motivos de protección de datos solo enviamos las facturas al huésped.',
      auth_form: 'para entregar la factura a un tercero necesitamos una autorización firmada por el huésped. Por favor, envíennosla.',
      sent_to_guest: 'la factura ya se envió al huésped por correo electrónico a su salida.',
    },
  },
  it: {
    dear: 'Gentili Signori,',
    regards: 'Cordiali saluti,',
    invoice: 'Fattura',
    answer: {
      folio: 'in allegato trovate la/le fattura/e.',
      no_booking: 'purtroppo non abbiamo trovato alcuna prenotazione a questo nome con questo numero di conferma.',
      refusal: "per motivi di privacy inviamo le fatture solo all'ospite.",
      auth_form: "per consegnare la fattura a terzi ci serve un'autorizzazione firmata dall'ospite. Vi preghiamo di inviarcela.",
      sent_to_guest: "la fattura è già stata inviata all'ospite via e-mail alla partenza.",
    },
  },
  pt: {
    dear: 'Prezados Senhores,',
    regards: 'Atenciosamente,',
    invoice: 'Fatura',
    answer: {
      folio: 'segue em anexo a(s) fatura(s).',
      no_booking: 'infelizmente não encontramos nenhuma reserva com este nome e este número de confirmação.',
      refusal: 'por motivos de proteção de dados, enviamos as faturas apenas ao hóspede.',
      auth_form: 'para entregar a fatura a terceiros precisamos de uma autorização assinada pelo hóspede. Por favor, enviem-na.',
      sent_to_guest: 'a fatura já foi enviada ao hóspede por e-mail no check-out.',
    },
  },
  nl: {
    dear: 'Geachte heer/mevrouw,',
    regards: 'Met vriendelijke groet,',
    invoice: 'Factuur',
    answer: {
      folio: 'bijgaand ontvangt u de factuur/facturen.',
      no_booking: 'helaas hebben wij geen boeking gevonden op deze naam met dit bevestigingsnummer.',
      refusal: 'om privacyredenen sturen wij facturen alleen naar de gast.',
      auth_form: 'om de factuur aan derden te geven hebben wij een door de gast ondertekende machtiging nodig. Wilt u die aan ons sturen?',
      sent_to_guest: 'de factuur is bij het uitchecken al per e-mail naar de gast gestuurd.',
    },
  },
};

function wordsFor(language: string | undefined): HotelWords {
  return WORDS[(HOTEL_LANGUAGES as readonly string[]).includes(language ?? '') ? (language as HotelLanguage) : 'en'];
}

/** The body of a hotel's answer about these guests, in its language, naming each guest and reference (as staff do). */
export function hotelAnswerText(language: string | undefined, answer: HotelAnswer, guests: Pick<TemplateGuest, 'guestName' | 'confirmationNumber'>[], signature: string): string {
  const w = wordsFor(language);
  const lines = guests.map((g) => `${g.guestName} – ${g.confirmationNumber}`);
  return [w.dear, '', w.answer[answer], '', ...lines, '', w.regards, signature].join('\n');
}

/** A subject for a message the hotel writes anew (not as a reply): "Invoice C123456". */
export function hotelSubject(language: string | undefined, guests: Pick<TemplateGuest, 'confirmationNumber'>[]): string {
  return `${wordsFor(language).invoice} ${guests.map((g) => g.confirmationNumber).join(', ')}`;
}

/**
 * How a hotel's message is addressed: a reply in our thread, a new message to our reply address (no thread
 * headers) or to our plain address, a reply from another of the hotel's mailboxes, or a new message from the
 * chain's shared accounting mailbox on another domain.
 */
export type HotelMessageVariant = 'thread' | 'new-to-reply-address' | 'new-to-plain-address' | 'other-mailbox' | 'chain-accounting';

export interface HotelMessageContext {
  hotelName: string;
  language?: string;
  /** The hotel mailbox our request reached (or the front desk, after a call). */
  mailbox: string;
  /** Another working mailbox of the same hotel. */
  otherMailbox: string;
  chain?: { name: string; address: string };
  /** Where we asked for the answer to go (our Reply-To: a plus-address with the reply token). */
  replyTo: string;
  /** Our plain address (what a person keeps from an old email or writes down wrong). */
  plainAddress: string;
  /** The request this answers, when there is one (not after a call). */
  request?: { messageId: string; references: string[]; subject: string };
  /** Chain accounting forwards our request under its subject (keeping the reference tag) rather than writing anew. */
  keepSubject?: boolean;
}

export function hotelMessageHeaders(variant: HotelMessageVariant, c: HotelMessageContext, guests: Pick<TemplateGuest, 'confirmationNumber'>[]): { from: string; to: string; subject: string; inReplyTo?: string; references?: string[] } {
  const fresh = hotelSubject(c.language, guests);
  const reply = c.request ? { subject: /^re:/i.test(c.request.subject) ? c.request.subject : `Re: ${c.request.subject}`, inReplyTo: c.request.messageId, references: [...c.request.references, c.request.messageId] } : { subject: fresh };
  const desk = `"${c.hotelName}" <${c.mailbox}>`;
  switch (variant) {
    case 'thread':
      return { from: desk, to: c.replyTo, ...reply };
    case 'other-mailbox':
      return { from: `"${c.hotelName} Accounting" <${c.otherMailbox}>`, to: c.replyTo, ...reply };
    case 'new-to-reply-address':
      return { from: desk, to: c.replyTo, subject: fresh };
    case 'new-to-plain-address':
      return { from: desk, to: c.plainAddress, subject: fresh };
    case 'chain-accounting': {
      if (!c.chain) throw new Error(`${c.hotelName} belongs to no chain`);
      const subject = c.keepSubject && c.request ? `FW: ${c.request.subject}` : `${fresh} – ${c.hotelName}`;
      return { from: `"${c.chain.name} Accounts Payable" <${c.chain.address}>`, to: c.plainAddress, subject };
    }
  }
}

const NO_BOOKING_TEXT: Record<string, string> = Object.fromEntries(
  HOTEL_LANGUAGES.map((l) => [l, `${WORDS[l].dear}\n\n${WORDS[l].answer.no_booking}\n\n${WORDS[l].regards}\nFront Office`]),
);
const AUTO_REPLY: Record<string, [string, string]> = {
  en: ['Automatic reply', 'Thank you for your email. I am out of the office until Monday and will reply on my return.'],
  de: ['Automatische Antwort', 'Vielen Dank für Ihre Nachricht. Ich bin bis Montag nicht im Büro.'],
  fr: ['Réponse automatique', 'Merci pour votre message. Je suis absent du bureau jusqu’à lundi.'],
  es: ['Respuesta automática', 'Gracias por su correo. Estoy fuera de la oficina hasta el lunes.'],
};

function splitName(name: string): { firstName: string; lastName: string } {
  const parts = name.trim().split(/\s+/);
  return { firstName: parts.slice(0, -1).join(' ') || parts[0]!, lastName: parts[parts.length - 1]! };
}

function specFor(hotel: SimulatedHotel, p: EmailProfile, guests: TemplateGuest[], imageOnly = false): FolioSpec {
  const g = guests[0]!;
  return {
    hotelName: hotel.name,
    guests: guests.map((x) => splitName(x.guestName)),
    arrival: g.checkIn,
    departure: g.checkOut,
    folioNumber: `F-${g.confirmationNumber.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`,
    confirmationNumber: g.confirmationNumber,
    currency: p.currency,
    nightlyRate: p.nightlyRate,
    taxRate: p.taxRate,
    layout: p.layout,
    imageOnly,
  };
}

function inlineFolioHtml(hotel: SimulatedHotel, p: EmailProfile, g: TemplateGuest): string {
  const nights = Math.max(1, Math.round((Date.parse(g.checkOut) - Date.parse(g.checkIn)) / 86_400_000));
  const room = nights * p.nightlyRate;
  const tax = Math.round(room * p.taxRate * 100) / 100;
  return `<html><body><p>Dear guest services,</p><p>please find the folio below.</p>
<h2>${hotel.name} — Guest Folio</h2><p>Guest: ${g.guestName}<br>Confirmation: ${g.confirmationNumber}<br>Arrival: ${g.checkIn}<br>Departure: ${g.checkOut}</p>
<table border="1"><tr><th>Description</th><th>Amount (${p.currency})</th></tr>
<tr><td>Room, ${nights} night(s)</td><td>${room.toFixed(2)}</td></tr><tr><td>Tax</td><td>${tax.toFixed(2)}</td></tr>
<tr><td><b>Total</b></td><td><b>${(room + tax).toFixed(2)}</b></td></tr></table><p>Front Office</p></body></html>`;
}

export interface MailResponder {
  /** The hotel agreed on the phone: its front desk emails the guests' folios to `to` after its delay. */
  sendPromised(frontDesk: string, to: string, guests: TemplateGuest[]): void;
  stop(): Promise<void>;
  /** Replies sent so far (tests wait on it). */
  readonly sent: number;
}

export function startMailResponder(opts: {
  mail: Pick<MailSystem, 'onHotelMail' | 'setRecipientPolicy' | 'senders'>;
  directory: HotelDirectory;
  /** Overrides every profile's delay (tests). */
  delayMs?: number;
  logger?: Logger;
}): MailResponder {
  const transport = {
    sendMail: (m: Mail.Options & { from: string }) => {
      const t = opts.mail.senders.transport(m.from);
      return t.sendMail(m).finally(() => t.close());
    },
  };
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  let stopped = false;

  opts.mail.setRecipientPolicy((address) => {
    const p = emailProfile(opts.directory.lookup(address)?.profile);
    if (p?.behaviour === 'bounce') return { action: 'bounce', reason: `<${address}>: mailbox unavailable` };
    if (p?.behaviour === 'refuses') return { action: 'reject', reason: 'mailbox unavailable' };
    return { action: 'accept' };
  });

  const later = (ms: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopped) return;
      const p = fn()
        .then(() => void sent++)
        .catch((e: unknown) => opts.logger?.warn({ err: (e as Error).message }, 'simulated hotel could not reply'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }, ms);
    timers.add(t);
  };

  const unregister = opts.mail.onHotelMail((mail: HotelMail) => {
    for (const rcpt of mail.recipients) {
      const hotel = opts.directory.lookup(rcpt);
      const p = emailProfile(hotel?.profile);
      if (!hotel || !p) continue;
      const guests = parseGuestLines(mail.parsed.text ?? '');
      if (!guests.length) continue; // not a folio request: nothing to answer
      react(rcpt, hotel, p, mail, guests);
    }
  });

  function react(frontDesk: string, hotel: SimulatedHotel, p: EmailProfile, mail: HotelMail, guests: TemplateGuest[]) {
    const lang = hotel.language && hotel.language in AUTO_REPLY ? hotel.language : 'en';
    const words = hotel.language && hotel.language in NO_BOOKING_TEXT ? hotel.language : 'en';
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? mail.parsed.from?.value[0]?.address ?? mail.envelopeFrom;
    const plainFrom = mail.parsed.from?.value[0]?.address ?? mail.envelopeFrom;
    const subject = mail.parsed.subject ?? '';
    const parent = mail.parsed.messageId;
    const refs = [...(Array.isArray(mail.parsed.references) ? mail.parsed.references : mail.parsed.references ? [mail.parsed.references] : []), ...(parent ? [parent] : [])];
    const thread = { inReplyTo: parent, references: refs, subject: `Re: ${subject}`, to: replyTo };
    const from = `"${hotel.name} Front Office" <${frontDesk}>`;
    const delay = opts.delayMs ?? p.replyDelayMs;
    const pdfPerGuest = async (imageOnly = false): Promise<Attachment[]> =>
      Promise.all(guests.map(async (g) => ({ filename: `Folio_${g.confirmationNumber}.pdf`, content: await renderFolioPdf(specFor(hotel, p, [g], imageOnly)), contentType: 'application/pdf' })));

    switch (p.behaviour) {
      case 'replies-with-pdf':
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: 'Please find the folio(s) attached.\n\nFront Office', attachments: await pdfPerGuest() })));
      case 'image-only-scan':
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: 'Scan attached.', attachments: await pdfPerGuest(true) })));
      case 'replies-one-pdf-all-guests':
        return later(delay, async () => {
          // one attachment for the whole batch: each guest's folio on its own page
          const content = await multiGuestFolio(guests.map((g) => specFor(hotel, p, [g])));
          await transport.sendMail({ from, ...thread, text: 'Anbei die Rechnungen für alle Gäste.', attachments: [{ filename: 'Rechnungen.pdf', content, contentType: 'application/pdf' }] });
        });
      case 'replies-inline-html':
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: 'Folio below.', html: inlineFolioHtml(hotel, p, guests[0]!) })));
      case 'auto-reply-then-pdf': {
        const [s, body] = AUTO_REPLY[lang]!;
        later(Math.min(delay, 200), async () => void (await transport.sendMail({ from, to: replyTo, subject: `${s}: ${subject}`, text: body, headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' } })));
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: 'Back in the office: folio attached.', attachments: await pdfPerGuest() })));
      }
      case 'wrong-guest':
        return later(delay, async () => {
          const wrong = guests.map((g) => ({ ...g, guestName: 'Maximilian Obermeier-Wrong', confirmationNumber: `X${g.confirmationNumber}` }));
          const attachments = await Promise.all(wrong.map(async (g) => ({ filename: 'folio.pdf', content: await renderFolioPdf(specFor(hotel, p, [g])), contentType: 'application/pdf' })));
          await transport.sendMail({ from, ...thread, text: 'Here you go.', attachments });
        });
      case 'no-such-booking':
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: NO_BOOKING_TEXT[words]! })));
      case 'forward-breaks-threading':
        return later(delay, async () => {
          const lines = guests.map((g) => `${g.guestName} – ${g.confirmationNumber}`).join('\n');
          const accounting = frontDesk.replace(/^[^@]+/, 'accounting');
          await transport.sendMail({ from: `"${hotel.name} Accounting" <${accounting}>`, to: plainFrom, subject: 'Invoices / Rechnungen', text: `Hello,\n\nas requested:\n${lines}\n\nAccounting`, attachments: await pdfPerGuest() });
        });
      case 'bounce':
      case 'refuses':
      case 'silent':
        return;
    }
  }

  function sendPromised(frontDesk: string, to: string, guests: TemplateGuest[]) {
    const hotel = opts.directory.lookup(frontDesk);
    const p = emailProfile(hotel?.profile);
    if (!hotel || !p || ['silent', 'bounce', 'refuses', 'no-such-booking'].includes(p.behaviour)) return;
    const wrongGuest = p.behaviour === 'wrong-guest';
    later(opts.delayMs ?? p.replyDelayMs, async () => {
      const attachments = await Promise.all(
        guests.map(async (g) => {
          const who = wrongGuest ? { ...g, guestName: 'Maximilian Obermeier-Wrong' } : g;
          const content = await renderFolioPdf(specFor(hotel, p, [who], p.behaviour === 'image-only-scan'));
          return { filename: `Folio_${g.confirmationNumber}.pdf`, content, contentType: 'application/pdf' };
        }),
      );
      const refs = guests.map((g) => g.confirmationNumber).join(', ');
      await transport.sendMail({ from: `"${hotel.name} Front Office" <${frontDesk}>`, to, subject: `Folio ${refs}`, text: `As promised on the phone, the folio(s) for ${refs}.\n\nFront Office`, attachments });
    });
  }

  return {
    sendPromised,
    get sent() {
      return sent;
    },
    async stop() {
      stopped = true;
      unregister();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
