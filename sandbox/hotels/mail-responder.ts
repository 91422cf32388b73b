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

const NO_BOOKING_TEXT: Record<string, string> = {
  en: "Dear Sir or Madam,\n\nI'm sorry, but we do not have a booking under the name(s) and confirmation number(s) you sent.\n\nBest regards,\nFront Office",
  de: 'Sehr geehrte Damen und Herren,\n\nleider haben wir keine Buchung unter diesem Namen und dieser Bestätigungsnummer gefunden.\n\nMit freundlichen Grüßen\nRezeption',
  fr: "Madame, Monsieur,\n\nnous n'avons trouvé aucune réservation à ce nom avec ce numéro de confirmation.\n\nCordialement,\nLa réception",
  es: 'Estimados señores:\n\nno tenemos ninguna reserva a ese nombre con ese número de confirmación.\n\nAtentamente,\nRecepción',
};
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
        return later(delay, async () => void (await transport.sendMail({ from, ...thread, text: NO_BOOKING_TEXT[lang]! })));
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
