// The default extractor: reads the text layer of a digital PDF (pdf-parse 2.x, which bundles its own
// pdfjs) and hands its lines to the folio-text parser (domain/folio-text). No cloud account needed.
// Scans without a text layer are reported, not guessed at.
import { PDFParse } from 'pdf-parse';
import type { FolioData } from '../../domain/model';
import type { Extractor } from '../../domain/ports';
import { splitFolios, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { sniffContentType } from './sniff';

export const NO_TEXT_LAYER = 'no text layer (image-only scan) and no OCR configured';
/** Hotels send one bill, or a batch of a few; anything longer is not a folio. */
const MAX_PAGES = 30;
const MIN_TEXT_CHARACTERS = 40;
// pdfjs emits one item per text run; a separator no folio contains keeps the runs apart as cells.
const CELL = '\u001f';

export function unreadable(reason: string, extractor: FolioData['extractor'] = 'local'): FolioData {
  return { guestNames: [], lineItems: [], confidence: {}, extractor, unreadableReason: reason };
}

/** Why bytes that are not a readable PDF cannot be extracted, in words an operator understands. */
export function notPdfReason(sniffed: string): string {
  if (sniffed.startsWith('image/')) return `the document is an image (${sniffed}) and no OCR is configured`;
  if (sniffed === 'application/zip') return 'the document is a zip archive, not a PDF; ask the hotel for the PDF itself';
  return `the document is not a PDF (its bytes look like ${sniffed})`;
}

export function pdfErrorReason(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  const message = (e as { message?: string })?.message ?? String(e);
  if (name === 'PasswordException') return 'the PDF is password-protected (encrypted); ask the hotel for an unprotected copy';
  if (name === 'InvalidPDFException' || name === 'FormatError') return `the PDF is damaged or invalid (${message})`;
  return `the PDF could not be read (${message})`;
}

type PageText = { ok: true; pages: TextLine[][] } | { ok: false; reason: string };

export async function readPdfText(bytes: Buffer): Promise<PageText> {
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const result = await parser.getText({ itemJoiner: CELL, pageJoiner: '', first: MAX_PAGES });
    const pages = result.pages.map((p) => toLines(p.text));
    // Scanners often stamp a page number or their name on an image: that is not a text layer.
    const characters = pages.flat().reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
    if (characters < MIN_TEXT_CHARACTERS) return { ok: false, reason: NO_TEXT_LAYER };
    return { ok: true, pages };
  } catch (e) {
    return { ok: false, reason: pdfErrorReason(e) };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

function toLines(pageText: string): TextLine[] {
  return pageText
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .split('\n')
    .map((raw) => raw.split(CELL).map((c) => c.trim()).filter((c) => c.length > 0))
    .filter((cells) => cells.length > 0)
    .map((cells) => ({ cells, text: cells.join(' ') }));
}

export class LocalPdfExtractor implements Extractor {
  readonly name = 'local' as const;

  async extract(bytes: Buffer, contentType: string): Promise<FolioData> {
    return (await this.extractAll(bytes, contentType))[0]!;
  }

  /** Every folio in the document: a hotel answering a batch may put several guests' folios in one PDF. */
  async extractAll(bytes: Buffer, _contentType: string): Promise<FolioData[]> {
    // The declared type is the sender's claim; the bytes decide.
    const sniffed = sniffContentType(bytes);
    if (sniffed !== 'application/pdf') return [unreadable(notPdfReason(sniffed))];
    const text = await readPdfText(bytes);
    if (!text.ok) return [unreadable(text.reason)];
    return splitFolios(text.pages).map((lines) => parseFolioLines(lines, 'local'));
  }
}
