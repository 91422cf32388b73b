// Does a name printed on a folio belong to the guest we asked about? Hotels print names in every
// order and case, with titles, initials, and with or without accents, so compare normalised tokens.

const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame',
  'herr', 'frau', 'fr', 'hr',
  'mme', 'mlle', 'mmes', 'mm', // a lone "M." stays: it may be Monsieur or an initial
  'sr', 'sra', 'srta', 'don', 'dona', 'dna',
  'sig', 'sigra', 'dott',
]);

const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'do', 'dos', 'das', 'du', 'des', 'la', 'le', 'el', 'ten', 'ter', 'zu', 'y', 'e', 'al', 'bin', 'ibn', 'mac', 'st']);

/** Lower case, no diacritics, German umlaut spellings folded (Müller = Mueller = Muller). */
export function foldName(s: string): string {
  return s
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .replace(/[ðÐ]/g, 'd')
    .replace(/[þÞ]/g, 'th')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // Umlauts spelled out (Mueller) and dropped (Muller) fold to the same key; applied to both sides.
    .replace(/([aou])e/g, '$1');
}

export function nameTokens(s: string): string[] {
  const folded = foldName(s).replace(/['’`]/g, '');
  return folded
    .split(/[^a-z]+/)
    .filter((t) => t.length > 0 && !TITLES.has(t));
}

/** "SMITH, JOHN" → "JOHN SMITH"; other strings unchanged. */
export function reorderLastFirst(s: string): string {
  const parts = s.split(',').map((p) => p.trim());
  return parts.length === 2 && parts[0] && parts[1] ? `${parts[1]} ${parts[0]}` : s;
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  // One typo is tolerated only in longer names, where it cannot turn one common name into another.
  return Math.min(a.length, b.length) >= 6 && Math.abs(a.length - b.length) <= 1 && editDistance(a, b) <= 1;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function namesMatch(expected: { firstName: string; lastName: string }, found: string): boolean {
  const got = nameTokens(reorderLastFirst(found));
  const allLast = nameTokens(expected.lastName);
  // "van der Berg" is matched on "berg": particles are shared by too many surnames to identify one.
  const last = allLast.filter((t) => !PARTICLES.has(t)).length ? allLast.filter((t) => !PARTICLES.has(t)) : allLast;
  const first = nameTokens(expected.firstName);
  if (got.length === 0 || last.length === 0) return false;
  // Double surnames: either part is enough ("García López" is often printed "García").
  const lastHit = got.findIndex((t) => t.length > 1 && last.some((l) => close(l, t)));
  if (lastHit < 0) return false;
  if (first.length === 0) return true;
  const rest = got.filter((_, i) => i !== lastHit);
  // A first name, or its initial ("J. Smith"), must be there; another first name means another guest.
  return rest.some((t) => first.some((f) => close(f, t) || (t.length === 1 && f.startsWith(t))));
}
