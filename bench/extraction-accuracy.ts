// Extraction accuracy per field on the sandbox folio corpus, and throughput.
//   npx tsx bench/extraction-accuracy.ts [count=200] [seed=42] [--documentai]
// With --documentai the same folios also go through the Document AI adapter and the local gRPC fake.
import type { FolioData } from '../domain/model';
import type { Extractor } from '../domain/ports';
import { namesMatch } from '../domain/names';
import { normaliseReference } from '../domain/validation';
import { folioCorpus } from '../sandbox/folio-corpus';
import { renderFolioPdf, type FolioSpec } from '../sandbox/folio-pdf';
import { LocalPdfExtractor } from '../adapters/extraction/local-pdf';
import { DocumentAiExtractor } from '../adapters/extraction/documentai';
import { startDocumentAiFake } from '../sandbox/documentai-fake';

export const FIELDS = ['guestName', 'arrival', 'departure', 'folioNumber', 'confirmationNumber', 'total', 'tax', 'currency', 'lineItemCount', 'lineItemsSum'] as const;
export type Field = (typeof FIELDS)[number];

const sameMoney = (a: number | undefined, b: number | undefined) => a !== undefined && b !== undefined && Math.abs(a - b) < 0.005;

/** Which fields the extractor got right, compared with what the folio was rendered from. */
export function fieldScores(spec: FolioSpec, expected: FolioData, got: FolioData): Record<Field, boolean> {
  const sum = (d: FolioData) => d.lineItems.reduce((s, l) => s + l.amount, 0);
  return {
    // Every guest is found, and nothing that is not a guest is reported as one.
    guestName: got.guestNames.length === spec.guests.length && spec.guests.every((g) => got.guestNames.some((n) => namesMatch(g, n))),
    arrival: got.arrival === expected.arrival,
    departure: got.departure === expected.departure,
    folioNumber: !!got.folioNumber && normaliseReference(got.folioNumber) === normaliseReference(expected.folioNumber!),
    confirmationNumber: expected.confirmationNumber ? !!got.confirmationNumber && normaliseReference(got.confirmationNumber) === normaliseReference(expected.confirmationNumber) : !got.confirmationNumber,
    total: sameMoney(got.total, expected.total),
    tax: sameMoney(got.tax, expected.tax),
    currency: got.currency === expected.currency,
    lineItemCount: got.lineItems.length === expected.lineItems.length,
    lineItemsSum: sameMoney(Math.round(sum(got) * 100) / 100, Math.round(sum(expected) * 100) / 100),
  };
}

export interface AccuracyReport {
  extractor: string;
  folios: number;
  perField: Record<Field, number>;
  allFieldsRight: number;
  seconds: number;
  foliosPerSecond: number;
  misses: { index: number; layout: string; fields: Field[] }[];
}

export async function measure(extractor: Extractor, corpus: { spec: FolioSpec; expected: FolioData }[], pdfs: Buffer[]): Promise<AccuracyReport> {
  const right = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
  const misses: AccuracyReport['misses'] = [];
  let perfect = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < corpus.length; i++) {
    const got = await extractor.extract(pdfs[i]!, 'application/pdf');
    const scores = fieldScores(corpus[i]!.spec, corpus[i]!.expected, got);
    const wrong = FIELDS.filter((f) => !scores[f]);
    for (const f of FIELDS) if (scores[f]) right[f]++;
    if (wrong.length === 0) perfect++;
    else misses.push({ index: i, layout: corpus[i]!.spec.layout, fields: wrong });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const pct = (n: number) => Math.round((n / corpus.length) * 1000) / 10;
  return {
    extractor: extractor.name,
    folios: corpus.length,
    perField: Object.fromEntries(FIELDS.map((f) => [f, pct(right[f])])) as Record<Field, number>,
    allFieldsRight: pct(perfect),
    seconds: Math.round(seconds * 100) / 100,
    foliosPerSecond: Math.round((corpus.length / seconds) * 10) / 10,
    misses,
  };
}

function print(r: AccuracyReport): void {
  console.log(`\n${r.extractor}: ${r.folios} folios in ${r.seconds} s (${r.foliosPerSecond} folios/s), all fields right: ${r.allFieldsRight} %`);
  console.log('| field | accuracy |\n| --- | --- |');
  for (const f of FIELDS) console.log(`| ${f} | ${r.perField[f]} % |`);
  if (r.misses.length) console.log(`misses (first 10): ${JSON.stringify(r.misses.slice(0, 10))}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const count = Number(args[0] ?? 200);
  const seed = Number(args[1] ?? 42);
  const corpus = folioCorpus(seed, count);
  const renderStart = process.hrtime.bigint();
  const pdfs = await Promise.all(corpus.map((c) => renderFolioPdf(c.spec)));
  console.log(`rendered ${count} folios (seed ${seed}) in ${Math.round(Number(process.hrtime.bigint() - renderStart) / 1e7) / 100} s`);
  print(await measure(new LocalPdfExtractor(), corpus, pdfs));
  if (process.argv.includes('--documentai')) {
    const fake = await startDocumentAiFake();
    const extractor = new DocumentAiExtractor({ processorName: 'projects/sandbox/locations/eu/processors/folio-invoice', apiEndpoint: '127.0.0.1', port: fake.port, insecure: true });
    try {
      print(await measure(extractor, corpus, pdfs));
    } finally {
      await extractor.close();
      await fake.stop();
    }
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
