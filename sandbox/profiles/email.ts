// How each simulated hotel answers a written folio request, by profile name (a hotel's `sandboxProfile`;
// the same name selects its phone behaviour in sandbox/profiles/phone.ts).
import type { FolioLayout } from '../folio-pdf';

export const EMAIL_BEHAVIOURS = [
  'replies-with-pdf',
  'replies-one-pdf-all-guests',
  'replies-inline-html',
  'auto-reply-then-pdf',
  'wrong-guest',
  'image-only-scan',
  'no-such-booking',
  'bounce',
  'refuses',
  'forward-breaks-threading',
  'silent',
] as const;
export type EmailBehaviour = (typeof EMAIL_BEHAVIOURS)[number];

export interface EmailProfile {
  name: string;
  behaviour: EmailBehaviour;
  description: string;
  /** How long the front desk takes to answer (tests scale it down). */
  replyDelayMs: number;
  layout: FolioLayout;
  currency: string;
  nightlyRate: number;
  taxRate: number;
}

const MIN = 60_000;
const base = { replyDelayMs: 3 * MIN, layout: 'classic' as FolioLayout, currency: 'EUR', nightlyRate: 149, taxRate: 0.07 };

function profile(behaviour: EmailBehaviour, description: string, over: Partial<EmailProfile> = {}): EmailProfile {
  return { ...base, name: behaviour, behaviour, description, ...over };
}

export const EMAIL_PROFILES: Record<string, EmailProfile> = Object.fromEntries(
  [
    profile('replies-with-pdf', 'replies in the thread with one PDF folio per guest'),
    profile('replies-one-pdf-all-guests', 'replies in the thread with a single PDF holding every guest’s folio, one per page', { layout: 'german', currency: 'EUR', nightlyRate: 128, taxRate: 0.07 }),
    profile('replies-inline-html', 'pastes the folio into the HTML body, no attachment', { layout: 'modern', currency: 'USD', nightlyRate: 219, taxRate: 0.145 }),
    profile('auto-reply-then-pdf', 'an out-of-office auto-reply at once, the real answer later', { replyDelayMs: 10 * MIN, layout: 'french', currency: 'EUR', nightlyRate: 175, taxRate: 0.1 }),
    profile('wrong-guest', "sends another guest's folio", { layout: 'compact', currency: 'GBP', nightlyRate: 165, taxRate: 0.2 }),
    profile('image-only-scan', 'a scanned paper folio: no text layer', { layout: 'classic', currency: 'CHF', nightlyRate: 240, taxRate: 0.038 }),
    profile('no-such-booking', 'answers that the booking does not exist'),
    profile('bounce', 'the address no longer exists: accepted, then a DSN comes back', { replyDelayMs: 0 }),
    profile('refuses', 'the mail server refuses the address at once (550)', { replyDelayMs: 0 }),
    profile('forward-breaks-threading', 'accounting answers in a new email: no thread headers, no reference, names the confirmation numbers', { replyDelayMs: 20 * MIN, layout: 'spanish', currency: 'EUR', nightlyRate: 99, taxRate: 0.1 }),
    profile('silent', 'never answers'),
  ].map((p) => [p.name, p]),
);

/**
 * A hotel's email behaviour from its `sandboxProfile`: the part after "+" in "<phone>+<email>", or the
 * whole name when it is an email profile. A hotel named only by its phone behaviour answers mail like
 * an ordinary front desk ("replies-with-pdf").
 */
export function emailProfile(name: string | undefined): EmailProfile | undefined {
  if (!name) return undefined;
  const [first, second] = name.split('+');
  if (second !== undefined) return EMAIL_PROFILES[second];
  return EMAIL_PROFILES[first!] ?? EMAIL_PROFILES['replies-with-pdf'];
}
