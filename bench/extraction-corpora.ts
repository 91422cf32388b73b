// The corpora the extraction benchmark measures, as one kind of case each: the sandbox's own folios, the
// independent corpus (ten house styles from another generator), scans and photos of independent folios,
// and multi-guest batch PDFs. Scans take seconds each to make, so they are cached under .data/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FolioData } from '../domain/model';
import type { FolioCheck } from '../domain/validation';
import { folioCorpus } from '../sandbox/folio-corpus';
import { renderFolioPdf, type FolioSpec } from '../sandbox/folio-pdf';
import { independentCorpus, renderIndependentFolio, xorshift, type IndependentEntry } from '../sandbox/independent-folios/corpus';
import type { ExpectedFolio } from '../sandbox/independent-folios/model';
import { renderIndependentBatch } from '../sandbox/independent-folios/render';
import { scanOf, type ScanOptions } from '../sandbox/independent-folios/scan';

export type CorpusName = 'own' | 'independent' | 'scans';

/** What a perfect extractor reads, in one shape for every corpus. */
export type Truth = Omit<ExpectedFolio, 'guest'> & { guests: ExpectedFolio['guest'][]; lineItemsSum: number };

export interface Case {
  corpus: CorpusName;
  style: string;
  bytes: Buffer;
  contentType: string;
  truth: Truth;
}

export function requestFor(t: Truth, over: Partial<FolioCheck> = {}): FolioCheck {
  return {
    guest: t.guests[0]!,
    checkIn: t.arrival,
    checkOut: t.departure,
    confirmationNumber: t.confirmationNumber ?? 'NOT-PRINTED',
    expected: { amount: t.total, currency: t.currency },
    ...over,
  };
}

const sum = (d: FolioData) => Math.round(d.lineItems.reduce((s, l) => s + l.amount, 0) * 100) / 100;

export function ownTruth(spec: FolioSpec, expected: FolioData): Truth {
  return {
    guests: spec.guests,
    arrival: expected.arrival!,
    departure: expected.departure!,
    folioNumber: expected.folioNumber!,
    confirmationNumber: expected.confirmationNumber,
    total: expected.total!,
    tax: expected.tax ?? 0,
    currency: expected.currency!,
    lineItemCount: expected.lineItems.length,
    lineItemsSum: sum(expected),
  };
}

export async function ownCases(seed: number, n: number): Promise<Case[]> {
  return Promise.all(folioCorpus(seed, n).map(async ({ spec, expected }) => ({ corpus: 'own' as const, style: spec.layout, bytes: await renderFolioPdf(spec), contentType: 'application/pdf', truth: ownTruth(spec, expected) })));
}

export function truthOf(e: IndependentEntry): Truth {
  const x = e.expected;
  return { guests: [x.guest], arrival: x.arrival, departure: x.departure, folioNumber: x.folioNumber, confirmationNumber: x.confirmationNumber, total: x.total, tax: x.tax, currency: x.currency, lineItemCount: x.lineItemCount, lineItemsSum: x.total };
}

export async function independentCases(seed: number, n: number): Promise<Case[]> {
  return Promise.all(
    independentCorpus(seed, n).map(async (e) => ({ corpus: 'independent' as const, style: e.folio.style, bytes: await renderIndependentFolio(e.folio), contentType: 'application/pdf', truth: truthOf(e) })),
  );
}

const CACHE = path.join(__dirname, '..', '.data', 'extraction-corpus');

/** Scans of independent folios: mostly image-only PDFs, some PNG and JPEG photos; turned ±1.5°, noisy. */
export async function scanCases(seed: number, n: number, dpi = 200): Promise<Case[]> {
  await mkdir(CACHE, { recursive: true });
  const rng = xorshift(seed + 17);
  const cases: Case[] = [];
  for (const [i, e] of independentCorpus(seed + 1000, n).entries()) {
    // A photo shows one page: folios of more pages are scanned to PDF.
    const format: ScanOptions['format'] = e.folio.style === 'swiss-two-page' ? 'pdf' : i % 6 === 4 ? 'png' : i % 6 === 5 ? 'jpeg' : 'pdf';
    const o: ScanOptions = { rotate: Math.round((rng() * 3 - 1.5) * 10) / 10, noise: 6 + Math.round(rng() * 10), dpi, format, seed: seed * 1000 + i };
    const file = path.join(CACHE, `scan-${seed}-${i}-${dpi}-${o.rotate}-${o.noise}.${format === 'jpeg' ? 'jpg' : format}`);
    let bytes: Buffer | undefined = await readFile(file).catch(() => undefined);
    if (!bytes) {
      const made = await scanOf(await renderIndependentFolio(e.folio), o);
      await writeFile(file, made);
      bytes = made;
    }
    const contentType = format === 'pdf' ? 'application/pdf' : format === 'png' ? 'image/png' : 'image/jpeg';
    cases.push({ corpus: 'scans', style: `${e.folio.style} (${format}, ${o.rotate}°)`, bytes, contentType, truth: truthOf(e) });
  }
  return cases;
}

export interface Batch {
  bytes: Buffer;
  truths: Truth[];
  pageCounts: number[];
}

/** Hotels answering a batch request: three guests' folios in one PDF, each on its own pages. */
export async function batchCases(seed: number, n: number): Promise<Batch[]> {
  const entries = independentCorpus(seed + 2000, n * 3);
  const batches: Batch[] = [];
  for (let b = 0; b < n; b++) {
    const group = entries.slice(b * 3, b * 3 + 3);
    batches.push({ bytes: await renderIndependentBatch(group.map((e) => e.folio)), truths: group.map(truthOf), pageCounts: group.map((e) => (e.folio.style === 'swiss-two-page' ? 2 : 1)) });
  }
  return batches;
}
