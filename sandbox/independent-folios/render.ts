// Draws an independent-corpus folio in its house style (one folio, or a batch in one PDF).
import { renderEnglishStyle } from './styles-english';
import { renderContinentalStyle } from './styles-continental';
import type { IndependentFolio } from './model';

/** A folio of the independent corpus as PDF bytes. */
export async function renderIndependentFolio(f: IndependentFolio): Promise<Buffer> {
  const sheet = (await renderEnglishStyle(f)) ?? (await renderContinentalStyle(f));
  if (!sheet) throw new Error(`no renderer for house style ${f.style}`);
  return sheet.bytes();
}

/** Several guests' folios in one PDF, each on its own pages (a hotel answering a batch request). */
export async function renderIndependentBatch(folios: IndependentFolio[]): Promise<Buffer> {
  const { PDFDocument } = await import('pdf-lib');
  const out = await PDFDocument.create();
  for (const f of folios) {
    const src = await PDFDocument.load(await renderIndependentFolio(f));
    for (const p of await out.copyPages(src, src.getPageIndices())) out.addPage(p);
  }
  return Buffer.from(await out.save({ useObjectStreams: false }));
}
