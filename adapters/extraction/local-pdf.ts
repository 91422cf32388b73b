// The default extractor: reads a digital PDF's text layer (adapters/extraction/pdf-text.ts) — or, with
// an OCR reader, image-only pages and JPEG/PNG photos — and hands the lines to the folio-text parser
// (domain/folio-text). No cloud account needed. Without OCR, scans are reported, not guessed at.
import type { FolioData, UnreadableCode } from '../../domain/model';
import type { Extractor } from '../../domain/ports';
import { folioPageGroups, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { OcrUnavailableError, type OcrPage, type OcrReader } from './ocr';
import { NO_TEXT_LAYER, readPdfText } from './pdf-text';
import { sniffContentType } from './sniff';

export { NO_TEXT_LAYER, pdfErrorReason, readPdfText } from './pdf-text';
export const OCR_FOUND_NOTHING = 'OCR found no text in the scan';

export function unreadable(reason: string, extractor: FolioData['extractor'] = 'local', code?: UnreadableCode): FolioData {
  return { guestNames: [], lineItems: [], confidence: {}, extractor, unreadableReason: reason, ...(code ? { unreadableCode: code } : {}) };
}

/** Why bytes that are not a readable PDF cannot be extracted, in words an operator understands. */
export function notPdfReason(sniffed: string): string {
  if (sniffed.startsWith('image/')) return `the document is an image (${sniffed}) and no OCR is configured`;
  if (sniffed === 'application/zip') return 'the document is a zip archive, not a PDF; ask the hotel for the PDF itself';
  return `the document is not a PDF (its bytes look like ${sniffed})`;
}

export function notPdfCode(sniffed: string): UnreadableCode {
  return sniffed.startsWith('image/') ? 'image-no-ocr' : sniffed === 'application/zip' ? 'archive' : 'not-pdf';
}

function pdfReasonCode(reason: string): UnreadableCode {
  return reason === NO_TEXT_LAYER ? 'image-no-ocr' : /password/.test(reason) ? 'encrypted' : 'damaged';
}

const OCR_IMAGES = new Set(['image/png', 'image/jpeg', 'image/tiff']);

/** OCR'd text is only as sure as the OCR: every field's confidence is scaled by the words' mean confidence. */
function markOcr(folio: FolioData, ocrConfidence: number): FolioData {
  const scale = Math.min(1, Math.max(0, ocrConfidence));
  const confidence = Object.fromEntries(Object.entries(folio.confidence).map(([k, v]) => [k, Math.round(v * scale * 100) / 100]));
  return { ...folio, ocr: true, confidence: { ...confidence, ocr: Math.round(scale * 100) / 100 } };
}

export class LocalPdfExtractor implements Extractor {
  readonly name = 'local' as const;

  private ocrReady?: Promise<OcrReader | undefined>;

  /** `ocr`: read scans and photos with it when it is installed; `ocrRequired`: a missing OCR is a misconfiguration. */
  constructor(private readonly opts: { ocr?: OcrReader; ocrRequired?: boolean } = {}) {}

  private usableOcr(): Promise<OcrReader | undefined> {
    const ocr = this.opts.ocr;
    this.ocrReady ??= ocr
      ? ocr.available().then((ok) => {
          if (!ok && this.opts.ocrRequired) throw new OcrUnavailableError('OCR=on but Tesseract, its language packs or pdftoppm are not installed (scripts/provision.sh installs them)');
          return ok ? ocr : undefined;
        })
      : Promise.resolve(undefined);
    // A failed check is not cached: the next document checks again.
    this.ocrReady.catch(() => (this.ocrReady = undefined));
    return this.ocrReady;
  }

  async extract(bytes: Buffer, contentType: string): Promise<FolioData> {
    return (await this.extractAll(bytes, contentType))[0]!;
  }

  /** Every folio in the document: a hotel answering a batch may put several guests' folios in one PDF. */
  async extractAll(bytes: Buffer, _contentType: string): Promise<FolioData[]> {
    // The declared type is the sender's claim; the bytes decide.
    const sniffed = sniffContentType(bytes);
    const ocr = sniffed === 'application/pdf' || OCR_IMAGES.has(sniffed) ? await this.usableOcr() : undefined;
    if (OCR_IMAGES.has(sniffed) && ocr) {
      let page: OcrPage;
      try {
        page = await ocr.readImage(bytes);
      } catch (e) {
        // A timeout or a missing engine may pass on a retry; an image the engine rejects will not.
        if (/not installed|timed out|ETIMEDOUT|SIGTERM/i.test(String((e as Error).message))) throw e;
        return [unreadable(`the image could not be read (${(e as Error).message.split('\n')[0]})`, 'local', 'damaged')];
      }
      return [this.folioOfOcr([page.lines], page.confidence)];
    }
    if (sniffed !== 'application/pdf') return [unreadable(notPdfReason(sniffed), 'local', notPdfCode(sniffed))];
    const text = await readPdfText(bytes);
    const imagePages = text.imagePages ?? [];
    if (!text.ok && !(text.reason === NO_TEXT_LAYER && ocr)) return [unreadable(text.reason, 'local', pdfReasonCode(text.reason))];
    const pages: TextLine[][] = text.ok ? text.pages : [];
    const ocrd = new Map<number, OcrPage>();
    if (ocr && imagePages.length) {
      const read = await ocr.readPdfPages(bytes, imagePages);
      imagePages.forEach((p, i) => ocrd.set(p, read[i]!));
      for (const [p, page] of ocrd) pages[p] = page.lines;
    }
    if (!text.ok && pages.every((p) => !p || p.length === 0)) return [unreadable(OCR_FOUND_NOTHING, 'local', 'ocr-no-text')];
    const filled = Array.from({ length: pages.length }, (_, i) => pages[i] ?? []);
    return folioPageGroups(filled).map((group) => {
      const folio = { ...parseFolioLines(group.flatMap((i) => filled[i]!), 'local'), pages: { from: group[0]! + 1, to: group[group.length - 1]! + 1 } };
      const scanned = group.filter((i) => ocrd.has(i));
      if (scanned.length === 0) return folio;
      return markOcr(folio, Math.min(...scanned.map((i) => ocrd.get(i)!.confidence)));
    });
  }

  private folioOfOcr(pages: TextLine[][], confidence: number): FolioData {
    if (pages.every((p) => p.length === 0)) return unreadable(OCR_FOUND_NOTHING, 'local', 'ocr-no-text');
    return markOcr(parseFolioLines(pages.flat(), 'local'), confidence);
  }
}
