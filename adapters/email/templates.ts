// The written folio request and its reminders, per hotel language (fallback English). One email per
// hotel batch lists every guest. Dates stay ISO (YYYY-MM-DD): unambiguous for any front desk. What a guest's
// ask adds (what was wrong with the document sent, the name variants, the signed form) follows its line,
// worded by domain/asks.ts in the same language.
import { describeAsk } from '../../domain/asks';
import type { GuestAsk } from '../../domain/model';

export type TemplateLanguage = 'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl';

export interface TemplateGuest {
  guestName: string;
  confirmationNumber: string;
  checkIn: string;
  checkOut: string;
  ask?: GuestAsk;
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
  /** A reply that says, per guest, what we still need (after the hotel answered). */
  followUp(n: number): string;
  /** The request for further guests after the front desk agreed on the phone to send folios. */
  afterCall(n: number): string;
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
    followUp: (n) => `Thank you for your reply. Below${n === 1 ? '' : ', per guest,'} is what we still need; a reply to this email with the folio${n === 1 ? '' : 's'} attached as PDF is perfect.`,
    afterCall: (n) => `As agreed on the phone with your front desk, could you please also send us the final folio${n === 1 ? '' : 's'} (itemised invoice${n === 1 ? '' : 's'}) for the following ${n === 1 ? 'stay' : `${n} stays`}? A reply to this email with the folio${n === 1 ? '' : 's'} attached as PDF is perfect.`,
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
    followUp: (n) => `vielen Dank für Ihre Antwort. Unten steht${n === 1 ? '' : ' je Gast'}, was wir noch benötigen; am einfachsten antworten Sie auf diese E-Mail mit ${n === 1 ? 'der Rechnung' : 'den Rechnungen'} als PDF im Anhang.`,
    afterCall: (n) => `wie telefonisch mit Ihrer Rezeption vereinbart, senden Sie uns bitte auch die endgültige Hotelrechnung (Folio) für ${n === 1 ? 'den folgenden Aufenthalt' : `die folgenden ${n} Aufenthalte`}. Am einfachsten antworten Sie auf diese E-Mail mit ${n === 1 ? 'der Rechnung' : 'den Rechnungen'} als PDF im Anhang.`,
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
    followUp: (n) => `merci pour votre réponse. Vous trouverez ci-dessous${n === 1 ? '' : ', client par client,'} ce qu'il nous manque encore ; il suffit de répondre à cet e-mail avec ${n === 1 ? 'la facture' : 'les factures'} en PDF.`,
    afterCall: (n) => `comme convenu par téléphone avec votre réception, pourriez-vous aussi nous envoyer la facture détaillée (folio) ${n === 1 ? 'du séjour suivant' : `des ${n} séjours suivants`} ? Il suffit de répondre à cet e-mail avec ${n === 1 ? 'la facture' : 'les factures'} en PDF.`,
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
    followUp: (n) => `Gracias por su respuesta. A continuación indicamos${n === 1 ? '' : ', por huésped,'} lo que todavía necesitamos; basta con responder a este correo con ${n === 1 ? 'la factura' : 'las facturas'} en PDF.`,
    afterCall: (n) => `Tal como acordamos por teléfono con su recepción, ¿podrían enviarnos también la factura detallada (folio) ${n === 1 ? 'de la siguiente estancia' : `de las ${n} estancias siguientes`}? Basta con responder a este correo con ${n === 1 ? 'la factura' : 'las facturas'} en PDF.`,
    arrival: 'llegada',
    departure: 'salida',
    confirmation: 'n.º de confirmación:',
    guest: 'Huésped',
    closing: 'Muchas gracias por su ayuda.',
    signature: 'Atentamente,\nFolio Desk',
  },
  it: {
    subject: (n, hotel) => `Richiesta fattura per ${n} ${n === 1 ? 'ospite' : 'ospiti'} – ${hotel}`,
    greeting: 'Gentile staff del ricevimento,',
    ask: (n) => `potreste inviarci la fattura dettagliata (folio) ${n === 1 ? 'del seguente soggiorno' : `dei ${n} soggiorni seguenti`}? Basta rispondere a questa email con la fattura in PDF allegata.`,
    remind: (n) => `stiamo ancora aspettando ${n === 1 ? 'la fattura indicata' : 'le fatture indicate'} qui sotto. Potreste rispondere a questa email con il PDF allegato?`,
    followUp: (n) => `grazie per la risposta. Qui sotto trovate${n === 1 ? '' : ', ospite per ospite,'} ciò che ci serve ancora; basta rispondere a questa email con ${n === 1 ? 'la fattura' : 'le fatture'} in PDF.`,
    afterCall: (n) => `come concordato al telefono con il vostro ricevimento, potreste inviarci anche la fattura dettagliata (folio) ${n === 1 ? 'del seguente soggiorno' : `dei ${n} soggiorni seguenti`}? Basta rispondere a questa email con ${n === 1 ? 'la fattura' : 'le fatture'} in PDF.`,
    arrival: 'arrivo',
    departure: 'partenza',
    confirmation: 'n. conferma:',
    guest: 'Ospite',
    closing: 'Grazie mille per il vostro aiuto.',
    signature: 'Cordiali saluti,\nFolio Desk',
  },
  pt: {
    subject: (n, hotel) => `Pedido de fatura para ${n} ${n === 1 ? 'hóspede' : 'hóspedes'} – ${hotel}`,
    greeting: 'Cara equipa da receção,',
    ask: (n) => `poderiam enviar-nos a fatura discriminada (folio) ${n === 1 ? 'da seguinte estadia' : `das ${n} estadias seguintes`}? Basta responder a este email com a fatura em PDF em anexo.`,
    remind: (n) => `ainda aguardamos ${n === 1 ? 'a fatura indicada' : 'as faturas indicadas'} abaixo. Poderiam responder a este email com o PDF em anexo?`,
    followUp: (n) => `obrigado pela vossa resposta. Abaixo indicamos${n === 1 ? '' : ', por hóspede,'} o que ainda precisamos; basta responder a este email com ${n === 1 ? 'a fatura' : 'as faturas'} em PDF.`,
    afterCall: (n) => `conforme combinado por telefone com a vossa receção, poderiam enviar-nos também a fatura discriminada (folio) ${n === 1 ? 'da seguinte estadia' : `das ${n} estadias seguintes`}? Basta responder a este email com ${n === 1 ? 'a fatura' : 'as faturas'} em PDF.`,
    arrival: 'chegada',
    departure: 'partida',
    confirmation: 'n.º de confirmação:',
    guest: 'Hóspede',
    closing: 'Muito obrigado pela vossa ajuda.',
    signature: 'Com os melhores cumprimentos,\nFolio Desk',
  },
  nl: {
    subject: (n, hotel) => `Verzoek om hotelrekening voor ${n} ${n === 1 ? 'gast' : 'gasten'} – ${hotel}`,
    greeting: 'Beste receptie,',
    ask: (n) => `kunt u ons de gespecificeerde eindrekening (folio) sturen van ${n === 1 ? 'het volgende verblijf' : `de volgende ${n} verblijven`}? Een antwoord op deze e-mail met de rekening als pdf-bijlage is perfect.`,
    remind: (n) => `wij wachten nog op ${n === 1 ? 'de onderstaande rekening' : 'de onderstaande rekeningen'}. Kunt u deze e-mail beantwoorden met de pdf als bijlage?`,
    followUp: (n) => `hartelijk dank voor uw antwoord. Hieronder staat${n === 1 ? '' : ' per gast'} wat wij nog nodig hebben; een antwoord op deze e-mail met ${n === 1 ? 'de rekening' : 'de rekeningen'} als pdf is perfect.`,
    afterCall: (n) => `zoals telefonisch met uw receptie afgesproken, kunt u ons ook de gespecificeerde eindrekening (folio) sturen van ${n === 1 ? 'het volgende verblijf' : `de volgende ${n} verblijven`}? Een antwoord op deze e-mail met ${n === 1 ? 'de rekening' : 'de rekeningen'} als pdf is perfect.`,
    arrival: 'aankomst',
    departure: 'vertrek',
    confirmation: 'bevestigingsnr.:',
    guest: 'Gast',
    closing: 'Hartelijk dank voor uw hulp.',
    signature: 'Met vriendelijke groet,\nFolio Desk',
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
  /** The hotel's time zone: dates an ask names are the hotel's. */
  timeZone?: string;
  /** A request for further guests after the front desk agreed on the phone to send folios. */
  followsCall?: boolean;
}): EmailContent {
  const lang = templateLanguage(opts.language);
  const p = PHRASES[lang];
  const n = opts.guests.length;
  const first = requestSubject(lang, opts.hotelName, n, opts.token);
  const subject = opts.kind === 'reminder' ? reminderSubject(opts.originalSubject ?? first) : first;
  const asks = opts.guests.map((g) => (g.ask ? describeAsk(g.ask, lang, opts.timeZone) : []));
  const intro =
    asks.every((a) => a.length > 0) && opts.kind === 'reminder' ? p.followUp(n) : opts.kind === 'reminder' ? p.remind(n) : opts.followsCall ? p.afterCall(n) : p.ask(n);
  // each guest's line (which the front desk and parseGuestLines read), then what its ask adds, indented
  const lines = opts.guests.flatMap((g, i) => [guestLine(p, g), ...asks[i]!.map((a) => `   ${a}`)]);
  const text = [p.greeting, '', intro, '', ...lines, '', p.closing, '', p.signature, refTag(opts.token), ''].join('\n');
  const rows = opts.guests
    .map((g) => `<tr><td>${escapeHtml(g.guestName)}</td><td>${g.checkIn}</td><td>${g.checkOut}</td><td>${escapeHtml(g.confirmationNumber)}</td></tr>`)
    .join('');
  const notes = opts.guests
    .map((g, i) => (asks[i]!.length ? `<p><strong>${escapeHtml(g.guestName)} (${escapeHtml(g.confirmationNumber)})</strong>: ${asks[i]!.map(escapeHtml).join(' ')}</p>` : ''))
    .join('');
  const html =
    `<p>${escapeHtml(p.greeting)}</p><p>${escapeHtml(intro)}</p>` +
    `<table border="1" cellpadding="4" cellspacing="0"><thead><tr><th>${escapeHtml(p.guest)}</th><th>${escapeHtml(p.arrival)}</th><th>${escapeHtml(p.departure)}</th><th>${escapeHtml(p.confirmation.replace(/\s*:$/, ''))}</th></tr></thead><tbody>${rows}</tbody></table>` +
    notes +
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
