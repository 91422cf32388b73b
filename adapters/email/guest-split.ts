// One PDF answering several guests, divided per guest: the extractor finds each folio in it with its page
// range (extractAll), splitFolioPdf cuts each range into a PDF of its own, and each part goes to the
// guest(s) it names. A guest no folio names gets nothing: a document reaches a folio only when it is,
// page for page, that guest's.
import type { FolioData } from '../../domain/model';
import { guestsOfFolio, type ThreadGuest } from '../../domain/correlation';
import { splitFolioPdf } from '../extraction/split-pdf';

export interface GuestPart {
  folioId: string;
  /** The part's pages in the original (1-based, inclusive). */
  pages: [from: number, to: number];
  /** The part as a PDF of its own (the original's bytes when the part is the whole document). */
  bytes: Buffer;
}

/** Each guest's own pages of a PDF (guests no folio in it names are left out). */
export type SplitByGuest = (pdf: Buffer, guests: ThreadGuest[]) => Promise<GuestPart[]>;

/** An extractor that returns every folio of a document, each with its page range. */
export interface MultiFolioReader {
  extractAll(bytes: Buffer, contentType: string): Promise<FolioData[]>;
}

export function splitByGuestWith(reader: MultiFolioReader): SplitByGuest {
  return async (pdf, guests) => {
    const folios = (await reader.extractAll(pdf, 'application/pdf')).filter((f) => !f.unreadableReason);
    // several folios without page ranges cannot be told apart: nobody gets the whole
    if (!folios.length || (folios.length > 1 && folios.some((f) => !f.pages))) return [];
    const parts = await splitFolioPdf(pdf, folios);
    return parts.flatMap((part) => {
      const pages: [number, number] = part.folio.pages ? [part.folio.pages.from, part.folio.pages.to] : [1, part.pageCount];
      return guestsOfFolio(part.folio, guests).map((g) => ({ folioId: g.folioId, pages, bytes: part.pdf }));
    });
  };
}
