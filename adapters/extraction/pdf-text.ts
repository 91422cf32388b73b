// A PDF's text layer as lines of positioned cells. Report engines write text in any order (a right-hand
// box before the left one, one run per word), so lines are rebuilt from the runs' coordinates, not from
// the content-stream order. Uses the pdfjs that pdf-parse 2 bundles (one pdfjs per process).
import { PDFParse } from 'pdf-parse';
import { linesFromPlaced, type TextLine } from '../../domain/folio-text';

export const NO_TEXT_LAYER = 'no text layer (image-only scan) and no OCR configured';
/** Hotels send one bill, or a batch of a few; anything longer is not a folio. */
export const MAX_PAGES = 30;
const MIN_TEXT_CHARACTERS = 40;
/** A page with less text than this is an image (a scanner's stamp or page number does not count). */
const MIN_PAGE_CHARACTERS = 20;

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}
interface PdfPage {
  getViewport(o: { scale: number }): { width: number; height: number; convertToViewportPoint(x: number, y: number): number[] };
  getTextContent(): Promise<{ items: (TextItem | object)[] }>;
  cleanup(): void;
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
}

export function pdfErrorReason(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  const message = (e as { message?: string })?.message ?? String(e);
  if (name === 'PasswordException') return 'the PDF is password-protected (encrypted); ask the hotel for an unprotected copy';
  if (name === 'InvalidPDFException' || name === 'FormatError') return `the PDF is damaged or invalid (${message})`;
  return `the PDF could not be read (${message})`;
}

export type PdfText =
  | { ok: true; pages: TextLine[][]; pageCount: number; imagePages: number[] }
  | { ok: false; reason: string; pageCount?: number; imagePages?: number[] };

interface Run {
  x0: number;
  x1: number;
  y: number;
  size: number;
  str: string;
}

/** Runs → lines (by baseline) → cells (runs closer than about a space stay in one cell). */
export function linesFromRuns(runs: Run[], pageWidth: number, pageHeight: number): TextLine[] {
  return linesFromPlaced(
    runs.map((r) => ({ ...r, text: r.str })),
    {
      sameRow: (first, _last, next) => Math.abs(first.y - next.y) <= Math.max(2, 0.45 * Math.min(first.size, next.size)),
      join: (cell, next) => {
        const gap = next.x0 - cell.x1;
        // Overlapping runs are separate fields printed over each other; far runs are other columns.
        if (gap >= 0.9 * next.size || gap <= -0.2 * next.size) return undefined;
        // A word split by the writer joins up; a new capitalised word ("…MEHMETBill No.") keeps its space.
        return gap <= 0.12 * next.size && !(/\p{L}$/u.test(cell.text) && /^\p{Lu}\p{Ll}/u.test(next.text)) ? '' : ' ';
      },
      width: pageWidth,
      height: pageHeight,
    },
  );
}

async function pageLines(page: PdfPage): Promise<TextLine[]> {
  const vp = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const runs: Run[] = [];
  for (const item of content.items) {
    if (!('str' in item) || !item.str.trim()) continue;
    const t = item.transform;
    const [x, y] = vp.convertToViewportPoint(t[4]!, t[5]!);
    const size = Math.hypot(t[2]!, t[3]!) || item.height || 10;
    runs.push({ x0: x!, x1: x! + item.width, y: y!, size, str: item.str });
  }
  return linesFromRuns(runs, vp.width, vp.height);
}

const characters = (lines: TextLine[]) => lines.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);

/** Every page's lines; pages with no real text are listed in `imagePages` (0-based) for OCR. */
export async function readPdfText(bytes: Buffer): Promise<PdfText> {
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    // pdf-parse has no public call for positioned runs; its loader gives the pdfjs document it bundles.
    const doc = await (parser as unknown as { load(): Promise<PdfDocument> }).load();
    const pages: TextLine[][] = [];
    const count = Math.min(doc.numPages, MAX_PAGES);
    for (let i = 1; i <= count; i++) {
      const page = await doc.getPage(i);
      pages.push(await pageLines(page));
      page.cleanup();
    }
    const imagePages = pages.flatMap((p, i) => (characters(p) < MIN_PAGE_CHARACTERS ? [i] : []));
    if (characters(pages.flat()) < MIN_TEXT_CHARACTERS) return { ok: false, reason: NO_TEXT_LAYER, pageCount: doc.numPages, imagePages: pages.map((_, i) => i) };
    return { ok: true, pages, pageCount: doc.numPages, imagePages };
  } catch (e) {
    return { ok: false, reason: pdfErrorReason(e) };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
