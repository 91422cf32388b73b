// Choosing a phone-menu option from what the menu said (pure). Menus are heard through speech
// recognition, so digits arrive as numerals or number words; we look for the option that reaches a
// person who can email a folio: front desk / reception first, then billing, then reservations.
import type { Language } from './schemas';

export type IvrChoice = { kind: 'press'; digit: string; reason: string } | { kind: 'person' } | { kind: 'unknown' };

export const DEFAULT_IVR_MAX_STEPS = 4;

const DEPARTMENTS: { reason: string; rank: number; words: string[] }[] = [
  { reason: 'front desk', rank: 1, words: ['front desk', 'reception', 'rezeption', 'empfang', 'accueil', 'recepcion', 'concierge'] },
  { reason: 'billing', rank: 2, words: ['billing', 'accounting', 'accounts', 'invoice', 'invoices', 'buchhaltung', 'rechnung', 'rechnungen', 'comptabilite', 'facturation', 'facture', 'factures', 'contabilidad', 'facturacion', 'facturas'] },
  { reason: 'reservations', rank: 3, words: ['reservations', 'reservation', 'bookings', 'booking', 'reservierung', 'reservierungen', 'buchungen', 'reservations', 'reservas', 'reservaciones', 'reserva'] },
  { reason: 'operator', rank: 4, words: ['operator', 'speak to a member of staff', 'zentrale', 'vermittlung', 'standard', 'operadora', 'operador'] },
];

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  null: '0', eins: '1', zwei: '2', drei: '3', vier: '4', funf: '5', sechs: '6', sieben: '7', acht: '8', neun: '9',
  un: '1', une: '1', deux: '2', trois: '3', quatre: '4', cinq: '5', sept: '7', huit: '8', neuf: '9',
  cero: '0', uno: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9',
  star: '*', hash: '#', pound: '#', stern: '*', raute: '#', etoile: '*', diese: '#', asterisco: '*', almohadilla: '#',
};
const PRESS_VERBS = 'press|dial|push|select|enter|drucken|drucke|wahlen|tippen|tapez|appuyez|composez|faites|taper|appuyer|marque|marquen|pulse|pulsa|presione|oprima|digite';
const DIGIT_TOKEN = `\\d|\\*|#|${Object.keys(NUMBER_WORDS).join('|')}`;
// "press 2", "drücken Sie die 2", "tapez le 1", "marque el 2": a verb, up to two filler words, the digit.
const PRESS_RE = new RegExp(`\\b(?:${PRESS_VERBS})\\b(?:\\s+[a-z]+){0,3}?\\s+(${DIGIT_TOKEN})(?![\\w])`);

const GREETINGS: Record<Language, RegExp[]> = {
  en: [/how (can|may) i (help|assist)/, /\bspeaking\b/, /what can i do for you/],
  de: [/wie kann ich (ihnen )?helfen/, /was kann ich fur sie tun/, /\bam apparat\b/, /\bsie sprechen mit\b/],
  fr: [/comment (puis je|puis-je|peux je) vous (aider|etre utile)/, /que puis je (faire )?pour vous/, /\bj ecoute\b/],
  es: [/en que (le |te )?(puedo|podemos) (ayudar|servir)/, /\bdigame\b/, /\ble atiende\b/],
  it: [/come posso (aiutarla|aiutarti|esserle utile)/],
  pt: [/como posso (ajudar|ajuda lo)/],
  nl: [/waarmee kan ik (u )?helpen/],
};

/** Lower case, no accents, punctuation kept only where it separates menu options. */
export function normalizeHeard(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’-]/g, ' ')
    .replace(/[^\p{L}\p{N}*#.,;:!?\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A clause that names an option ("for the restaurant") we do not want still claims the digit next to it. */
const OTHER = { reason: 'other', rank: 99 };
const LABEL_RE = /^(?:for|fur|pour|para|per)\b/;

function departmentOf(clause: string): { reason: string; rank: number } | undefined {
  let best: { reason: string; rank: number } | undefined = LABEL_RE.test(clause) ? OTHER : undefined;
  for (const d of DEPARTMENTS) {
    if (d.words.some((w) => new RegExp(`\\b${w}\\b`).test(clause)) && (!best || d.rank < best.rank)) best = { reason: d.reason, rank: d.rank };
  }
  return best;
}

const BARE_RE = new RegExp(`^(?:(?:and|und|et|y)\\s+)?(${DIGIT_TOKEN})\\s+(?:for|fur|pour|para)\\b`);

/** "press 2", or after a press instruction a bare "3 for billing" ("press 1 for x or 3 for billing"). */
function digitOf(clause: string, afterPress: boolean): string | undefined {
  const m = PRESS_RE.exec(clause) ?? (afterPress ? BARE_RE.exec(clause) : null);
  if (!m) return undefined;
  return /^[\d*#]$/.test(m[1]) ? m[1] : NUMBER_WORDS[m[1]];
}

/** Pairs each "press N" with the department named in the same clause or the clause next to it. */
export function menuOptions(heard: string): { digit: string; reason: string; rank: number }[] {
  const clauses = normalizeHeard(heard)
    .split(/[.;:!?,]|\b(?:or|oder|ou|o)\b/)
    .map((c) => c.trim())
    .filter(Boolean);
  const options: { digit: string; reason: string; rank: number }[] = [];
  let pendingDept: { reason: string; rank: number } | undefined;
  let pendingDigit: string | undefined;
  let afterPress = false;
  for (const clause of clauses) {
    const dept = departmentOf(clause);
    const digit = digitOf(clause, afterPress);
    afterPress ||= PRESS_RE.test(clause);
    if (dept && digit) {
      options.push({ digit, ...dept });
      pendingDept = pendingDigit = undefined;
    } else if (dept) {
      if (pendingDigit) {
        options.push({ digit: pendingDigit, ...dept });
        pendingDigit = undefined;
      } else pendingDept = dept;
    } else if (digit) {
      if (pendingDept) {
        options.push({ digit, ...pendingDept });
        pendingDept = undefined;
      } else pendingDigit = digit;
    }
  }
  return options.filter((o) => o.rank !== OTHER.rank);
}

export function chooseIvrOption(heard: string, language: Language): IvrChoice {
  const options = menuOptions(heard);
  if (options.length) {
    const best = options.reduce((a, b) => (b.rank < a.rank ? b : a));
    return { kind: 'press', digit: best.digit, reason: best.reason };
  }
  const text = normalizeHeard(heard).replace(/[.,;:!?]/g, ' ');
  const patterns = [...GREETINGS[language], ...(language === 'en' ? [] : GREETINGS.en)];
  if (patterns.some((p) => p.test(text))) return { kind: 'person' };
  return { kind: 'unknown' };
}

export type IvrAction =
  | { kind: 'press'; digit: string; reason: string; path: string }
  | { kind: 'connect'; path: string }
  | { kind: 'listen' }
  | { kind: 'give_up'; reason: string };

/** Pause before each digit of a learned path, so the next menu has begun before we press. */
export const IVR_DIGIT_PAUSE = 'WW';

/** Digits pressed so far (as a replayable path) + what was just heard → what to do at this step. */
export function nextIvrAction(input: { step: number; heard: string; language: Language; path: string; maxSteps?: number }): IvrAction {
  const max = input.maxSteps ?? DEFAULT_IVR_MAX_STEPS;
  const choice = chooseIvrOption(input.heard, input.language);
  if (choice.kind === 'person') return { kind: 'connect', path: input.path };
  if (input.step >= max) return { kind: 'give_up', reason: `no person after ${max} menu steps` };
  if (choice.kind === 'press') {
    const path = `${input.path}${IVR_DIGIT_PAUSE}${choice.digit}`;
    if (path.length > 32) return { kind: 'give_up', reason: 'menu path longer than 32 characters' };
    return { ...choice, path };
  }
  return { kind: 'listen' };
}

/** The digits of a path without its pauses (what a menu receives). */
export function pathDigits(path: string): string {
  return path.replace(/[wW]/g, '');
}
