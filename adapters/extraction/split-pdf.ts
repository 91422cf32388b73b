// One PDF holding several guests' folios, cut into one PDF per folio (its own pages only), so each
// folio can keep just its own document. Page ranges come from the extractor (`FolioData.pages`).
import { PDFDocument } from 'pdf-lib';
import type { FolioData } from '../../domain/model';

export interface FolioPart {
  folio: FolioData;
  /** The folio's own pages as a PDF (the whole document when it holds one folio or is not a PDF). */
  pdf: Buffer;
  pageCount: number;
}

export async function splitFolioPdf(bytes: Buffer, folios: FolioData[]): Promise<FolioPart[]> {
  const ranged = folios.filter((f) => f.pages);
  if (folios.length <= 1 || ranged.length !== folios.length) return folios.map((folio) => ({ folio, pdf: bytes, pageCount: folio.pages ? folio.pages.to - folio.pages.from + 1 : 1 }));
  const source = await PDFDocument.load(bytes, { updateMetadata: false });
  const parts: FolioPart[] = [];
  for (const folio of folios) {
    const { from, to } = folio.pages!;
    if (from < 1 || to > source.getPageCount() || from > to) throw new RangeError(`folio pages ${from}-${to} are outside the document's ${source.getPageCount()} pages`);
    const out = await PDFDocument.create();
    const indexes = Array.from({ length: to - from + 1 }, (_, i) => from - 1 + i);
    for (const page of await out.copyPages(source, indexes)) out.addPage(page);
    parts.push({ folio, pdf: Buffer.from(await out.save()), pageCount: indexes.length });
  }
  return parts;
}
