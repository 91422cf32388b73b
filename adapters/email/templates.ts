// The written folio request and its reminders, per hotel language (fallback English). One email per
// hotel batch lists every guest. Dates stay ISO (YYYY-MM-DD): unambiguous for any front desk.
export type TemplateLanguage = 'en' | 'de' | 'fr' | 'es';

export interface TemplateGuest {
  guestName: string;
  confirmationNumber: string;
  checkIn: string;
  checkOut: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface Phrases {
  subject(n: number, hotel: string): string;
  greeting: string;
  ask(n: number): string;
  remind(n: number): string;
  arrival: string;
  departure: string;
  confirmation: string;
  guest: string;
  closing: string;
  signature: string;
}

const PHRASES: Record<TemplateLanguage, Phrases> = {
  en: {
    subject: (n, hotel) => `Folio request for ${n} guest${n === 1 ? '' : 's'} – ${hotel}`,
    greeting: 'Dear front office team,',
    ask: (n) => `Could you please send us the final folio (itemised invoice) for the following ${n === 1 ? 'stay' : `${n} stays`}? A reply to this email with the folio${n === 1 ? '' : 's'} attached as PDF is perfect.`,
    remind: (n) => `We are still waiting for the folio${n === 1 ? '' : 's'} below. Could you please reply to this email with ${n === 1 ? 'it' : 'them'} attached as PDF?`,
    arrival: 'arrival',
    departure: 'departure',
    confirmation: 'confirmation no.:',
    guest: 'Guest',
    closing: 'Thank you very much for your help.',
    signature: 'Kind regards,\nFolio Desk',
  },
  de: {
    subject: (n, hotel) => `Anfrage Hotelrechnung für ${n} ${n === 1 ? 'Gast' : 'Gäste'} – ${hotel}`,
    greeting: 'Sehr geehrtes Rezeptionsteam,',
    ask: (n) => `bitte senden Sie uns die endgültige Hotelrechnung (Folio) für ${n === 1 ? 'den folgenden Aufenthalt' : `die folgenden ${n} Aufenthalte`}. Am einfachsten antworten Sie auf diese E-Mail mit der Rechnung als PDF im Anhang.`,
    remind: (n) => `wir warten noch auf ${n === 1 ? 'die folgende Rechnung' : 'die folgenden Rechnungen'}. Bitte antworten Sie auf diese E-Mail mit ${n === 1 ? 'der Rechnung' : 'den Rechnungen'} als PDF im Anhang.`,
    arrival: 'Anreise',
    departure: 'Abreise',
    confirmation: 'Bestätigungsnr.:',
    guest: 'Gast',
    closing: 'Vielen Dank für Ihre Unterstützung.',
    signature: 'Mit freundlichen Grüßen\nFolio Desk',
  },
  fr: {
    subject: (n, hotel) => `Demande de facture pour ${n} client${n === 1 ? '' : 's'} – ${hotel}`,
    greeting: 'Madame, Monsieur,',
    ask: (n) => `pourriez-vous nous envoyer la facture détaillée (folio) ${n === 1 ? 'du séjour suivant' : `des ${n} séjours suivants`} ? Il suffit de répondre à cet e-mail avec la facture en PDF jointe.`,
    remind: (n) => `nous attendons toujours ${n === 1 ? 'la facture ci-dessous' : 'les factures ci-dessous'}. Pourriez-vous répondre à cet e-mail avec le PDF en pièce jointe ?`,
    arrival: 'arrivée',
    departure: 'départ',
    confirmation: 'n° de confirmation :',
    guest: 'Client',
    closing: 'Merci beaucoup pour votre aide.',
    signature: 'Cordialement,\nFolio Desk',
  },
  es: {
    subject: (n, hotel) => `Solicitud de factura para ${n} huésped${n === 1 ? '' : 'es'} – ${hotel}`,
    greeting: 'Estimado equipo de recepción:',
    ask: (n) => `¿Podrían enviarnos la factura detallada (folio) ${n === 1 ? 'de la siguiente estancia' : `de las ${n} estancias siguientes`}? Basta con responder a este correo con la factura adjunta en PDF.`,
    remind: (n) => `Todavía estamos esperando ${n === 1 ? 'la factura indicada' : 'las facturas indicadas'} a continuación. ¿Podrían responder a este correo con el PDF adjunto?`,
    arrival: 'llegada',
    departure: 'salida',
    confirmation: 'n.º de confirmación:',
    guest: 'Huésped',
    closing: 'Muchas gracias por su ayuda.',
    signature: 'Atentamente,\nFolio Desk',
  },
};

export function templateLanguage(language: string | undefined): TemplateLanguage {
  return language && language in PHRASES ? (language as TemplateLanguage) : 'en';
}

export function refTag(token: string): string {
  return `[Ref ${token}]`;
}

/** The request's subject; a reminder reuses it behind "Re:" so mail clients keep one thread. */
export function requestSubject(language: string | undefined, hotelName: string, guestCount: number, token: string): string {
  return `${PHRASES[templateLanguage(language)].subject(guestCount, hotelName)} ${refTag(token)}`;
}

export function reminderSubject(originalSubject: string): string {
  return /^re:/i.test(originalSubject) ? originalSubject : `Re: ${originalSubject}`;
}

/** One line per guest, in a fixed shape a person (or the sandbox hotel) can read back. */
function guestLine(p: Phrases, g: TemplateGuest): string {
  return `• ${g.guestName} — ${p.arrival} ${g.checkIn}, ${p.departure} ${g.checkOut}, ${p.confirmation} ${g.confirmationNumber}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeEmail(opts: {
  kind: 'request' | 'reminder';
  language: string | undefined;
  hotelName: string;
  guests: TemplateGuest[];
  token: string;
  /** For reminders: the subject of the request they answer. */
  originalSubject?: string;
}): EmailContent {
  const lang = templateLanguage(opts.language);
  const p = PHRASES[lang];
  const n = opts.guests.length;
  const first = requestSubject(lang, opts.hotelName, n, opts.token);
  const subject = opts.kind === 'reminder' ? reminderSubject(opts.originalSubject ?? first) : first;
  const intro = opts.kind === 'reminder' ? p.remind(n) : p.ask(n);
  const text = [p.greeting, '', intro, '', ...opts.guests.map((g) => guestLine(p, g)), '', p.closing, '', p.signature, refTag(opts.token), ''].join('\n');
  const rows = opts.guests
    .map((g) => `<tr><td>${escapeHtml(g.guestName)}</td><td>${g.checkIn}</td><td>${g.checkOut}</td><td>${escapeHtml(g.confirmationNumber)}</td></tr>`)
    .join('');
  const html =
    `<p>${escapeHtml(p.greeting)}</p><p>${escapeHtml(intro)}</p>` +
    `<table border="1" cellpadding="4" cellspacing="0"><thead><tr><th>${escapeHtml(p.guest)}</th><th>${escapeHtml(p.arrival)}</th><th>${escapeHtml(p.departure)}</th><th>${escapeHtml(p.confirmation.replace(/\s*:$/, ''))}</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p>${escapeHtml(p.closing)}</p><p>${escapeHtml(p.signature).replace(/\n/g, '<br>')}<br>${escapeHtml(refTag(opts.token))}</p>`;
  return { subject, text, html };
}

/** Reads the guest lines back from a request's text (any language): what the front desk works from. */
export function parseGuestLines(text: string): TemplateGuest[] {
  const out: TemplateGuest[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^[>\s]*• (.+?) — \S+ (\d{4}-\d{2}-\d{2}), \S+ (\d{4}-\d{2}-\d{2}), .*?:\s*(\S+)\s*$/.exec(line);
    if (m) out.push({ guestName: m[1]!, checkIn: m[2]!, checkOut: m[3]!, confirmationNumber: m[4]! });
  }
  return out;
}
