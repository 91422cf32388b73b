// What kind of mail a hotel sent back, before correlation: an auto-reply (not an answer), a bounce
// (the address is bad), "we have no such booking" or "we need a form signed by the guest" (outcomes), a folio
// pasted inline in HTML, or a reply.
import type { ParsedMail } from 'mailparser';

export type Classification =
  | { kind: 'auto-reply'; reason: string }
  | { kind: 'bounce'; failedRecipients: string[]; originalMessageId?: string; diagnostic?: string }
  | { kind: 'no-such-booking'; phrase: string }
  /** The hotel releases the folio only against a form (authorisation, power of attorney) signed by the guest. */
  | { kind: 'form-required'; phrase: string }
  | { kind: 'inline-folio' }
  | { kind: 'reply' };

const AUTO_SUBJECT = [
  /\b(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|away from (the )?office|on vacation|on holiday)\b/i,
  /\b(abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|außer haus)\b/i,
  /(absence du bureau|réponse automatique|absent\b|message d'absence|en congés?)/i,
  /(fuera de la oficina|respuesta automática|ausente\b|de vacaciones)/i,
];

const NO_BOOKING = [
  /\b(we )?(do not|don't|cannot|can't|could not|couldn't) (have|find|locate) (a |any |this |the |that )?(booking|reservation)/i,
  /\bno (such |matching )?(booking|reservation)s? (found|under|for|with|exists?)\b/i,
  /\bno record of (a |any |this |the )?(booking|reservation|stay|guest)/i,
  /\bkeine (solche |passende )?(buchung|reservierung)/i,
  /\b(buchung|reservierung) (wurde |ist )?(leider )?nicht (gefunden|bekannt|auffindbar|vorhanden)/i,
  /(aucune|pas de|pas trouvé de|pas trouvé la) réservation/i,
  /réservation (est )?(introuvable|inconnue|n'existe pas)/i,
  /no (tenemos|encontramos|consta|hemos encontrado) (ninguna |la |esta |dicha )?reserva/i,
  /reserva (no (existe|encontrada|consta)|inexistente)/i,
  /ninguna reserva/i,
];

/** A form signed by the guest, asked for before the folio goes to a third party (words of either order). */
const FORM_REQUIRED = [
  /\b(authori[sz]ation|consent|third[- ]party) (form|letter)\b[^.\n]{0,80}\bsigned\b/i,
  /\bsigned (by the guest|guest|credit[- ]card|third[- ]party)?[^.\n]{0,30}\b(authori[sz]ation|consent)( form| letter)?\b/i,
  /\b(unterschriebene|unterzeichnete)\b[^.\n]{0,40}\b(vollmacht|einverständniserklärung|autorisierung)/i,
  /\b(vollmacht|einverständniserklärung)\b[^.\n]{0,40}\b(unterschrieben|unterzeichnet)/i,
  /\bautorisation (écrite |signée)[^.\n]{0,40}|\bautorisation\b[^.\n]{0,40}\bsignée\b/i,
  /\bautorizaci[oó]n (firmada|escrita)\b|\bautorizaci[oó]n\b[^.\n]{0,40}\bfirmada\b/i,
  /\bautorizzazione (firmata|scritta)\b|\bautorizzazione\b[^.\n]{0,40}\bfirmata\b/i,
  /\bautoriza[çc][ãa]o (assinada|escrita)\b|\bautoriza[çc][ãa]o\b[^.\n]{0,40}\bassinada\b/i,
  /\b(ondertekende|getekende) (machtiging|toestemming)\b|\bmachtiging\b[^.\n]{0,40}\b(ondertekend|getekend)\b/i,
];

const FOLIO_WORDS = /(folio|invoice|rechnung|facture|factura|total|gesamt|montant|importe)/i;
/** An amount in a table cell: our own quoted request has tables but no amounts. */
const AMOUNT_CELL = /<td[^>]*>[^<]*\d[.,]\d{2}\b[^<]*<\/td>/i;

function header(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return String(v as unknown as string);
}

/** The hotel's own words: quoted history (our request) must not trigger phrase rules. */
export function freshText(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*>/.test(line)) continue;
    if (/^(On .+ wrote:|Am .+ schrieb .+:|Le .+ a écrit ?:|El .+ escribió:|-{2,} ?(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original) ?-{2,}|From: .+)$/i.test(line.trim())) break;
    out.push(line);
  }
  return out.join('\n');
}

/** A report naming more failed recipients than this is not about one of our requests; the rest are not kept. */
export const MAX_FAILED_RECIPIENTS = 100;

function bounceDetails(mail: ParsedMail): Classification {
  const parts = [mail.text ?? '', ...mail.attachments.filter((a) => /delivery-status|rfc822/i.test(a.contentType)).map((a) => a.content.toString('utf8'))].join('\n');
  const failed = [...parts.matchAll(/^(?:Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^\s>]+@[^\s>]+)>?/gim)].map((m) => m[1]!.toLowerCase());
  const fallback = [...(mail.text ?? '').matchAll(/<([^\s>]+@[^\s>]+)>/g)].map((m) => m[1]!.toLowerCase());
  const original = /^Message-ID:\s*(<[^>]+>)/im.exec(parts.slice(parts.search(/^(From|To|Subject|Message-ID):/im)));
  const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(parts)?.[1]?.trim();
  return { kind: 'bounce', failedRecipients: [...new Set(failed.length ? failed : fallback)].slice(0, MAX_FAILED_RECIPIENTS), originalMessageId: original?.[1], diagnostic: diagnostic?.slice(0, 500) };
}

export function classify(mail: ParsedMail): Classification {
  const contentType = header(mail, 'content-type').toLowerCase();
  const from = (mail.from?.value?.[0]?.address ?? '').toLowerCase();
  const reportType = (mail.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.['report-type'];
  if (contentType.startsWith('multipart/report') && (!reportType || /delivery-status/i.test(reportType))) return bounceDetails(mail);
  if (/^(mailer-daemon|postmaster)@/.test(from) || mail.attachments.some((a) => /message\/delivery-status/i.test(a.contentType))) return bounceDetails(mail);

  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  if (header(mail, 'x-autoreply') || header(mail, 'x-autorespond')) return { kind: 'auto-reply', reason: 'X-Autoreply header' };
  const precedence = header(mail, 'precedence').toLowerCase();
  if (/^(auto_reply|bulk|junk)$/.test(precedence)) return { kind: 'auto-reply', reason: `Precedence: ${precedence}` };
  const subject = mail.subject ?? '';
  const pattern = AUTO_SUBJECT.find((re) => re.test(subject));
  if (pattern) return { kind: 'auto-reply', reason: `subject: ${subject.slice(0, 80)}` };

  const hasDocument = mail.attachments.some((a) => a.contentDisposition !== 'inline' || /pdf|zip|octet-stream/i.test(a.contentType));
  const fresh = freshText(mail.text ?? '');
  if (!hasDocument) {
    for (const re of NO_BOOKING) {
      const m = re.exec(fresh);
      if (m) return { kind: 'no-such-booking', phrase: m[0] };
    }
    for (const re of FORM_REQUIRED) {
      const m = re.exec(fresh);
      if (m) return { kind: 'form-required', phrase: m[0] };
    }
    const html = typeof mail.html === 'string' ? mail.html : '';
    if (html && /<table/i.test(html) && FOLIO_WORDS.test(html) && AMOUNT_CELL.test(html)) return { kind: 'inline-folio' };
  }
  return { kind: 'reply' };
}
