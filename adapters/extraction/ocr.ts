// OCR for scans and photos: pages rasterised with poppler's pdftoppm and read with Tesseract (TSV word
// boxes), then rebuilt into lines of cells. A slightly rotated scan is straightened (the slope that
// lines the words up best), so that a row's description and its amount stay on one line.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linesFromPlaced, type TextLine } from '../../domain/folio-text';

export interface OcrPage {
  lines: TextLine[];
  /** Mean word confidence, 0..1. */
  confidence: number;
}

/** The OCR port of the local extractor. */
export interface OcrReader {
  /** Whether the engine and its language packs are installed. */
  available(): Promise<boolean>;
  readImage(bytes: Buffer): Promise<OcrPage>;
  /** The given 0-based pages of a PDF, rasterised and read. */
  readPdfPages(bytes: Buffer, pages: number[]): Promise<OcrPage[]>;
}

export interface TesseractOptions {
  /** Tesseract language packs joined by "+", e.g. eng+deu+fra+spa+ita+por+nld. */
  languages: string;
  dpi: number;
  timeoutMs: number;
  tesseractPath?: string;
  pdftoppmPath?: string;
}

export class OcrUnavailableError extends Error {
  override name = 'OcrUnavailableError';
  readonly permanent = true;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // One thread each: the OCR shares the machine with the workers.
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, OMP_THREAD_LIMIT: '1' } }, (err, stdout, stderr) => {
      if (err?.killed) reject(new Error(`${path.basename(cmd)} timed out after ${timeoutMs} ms`));
      else if (err) reject(new Error(`${path.basename(cmd)} failed: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

interface Word {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  conf: number;
  text: string;
}

function tsvWords(tsv: string): Word[] {
  const words: Word[] = [];
  for (const row of tsv.split('\n').slice(1)) {
    const c = row.split('\t');
    // Specks read as "|", "'" or "~" carry no letter, digit or currency sign.
    if (c.length < 12 || c[0] !== '5' || !/[\p{L}\p{N}€£$¥]/u.test(c[11]!)) continue;
    const [left, top, width, height, conf] = [c[6], c[7], c[8], c[9], c[10]].map(Number) as [number, number, number, number, number];
    // A speck before a number reads as a quote or a dot (".102.00", "„17,50"); a yen sign as # or +.
    const text = c[11]!.trim().replace(/^[.,'‘’"“”„`~#+]+(?=[\d€£$¥])/, '');
    words.push({ x0: left, x1: left + width, top, bottom: top + height, conf, text });
  }
  return words;
}

/**
 * The page's skew, as the slope that lines the words up best: word centres projected along
 * each candidate slope fall into the fewest, fullest rows.
 */
function skewOf(words: Word[], lineHeight: number): number {
  let best = { slope: 0, score: -1 };
  const bin = Math.max(2, lineHeight / 3);
  for (let k = -50; k <= 50; k++) {
    const slope = k * 0.001; // ±2.9°
    const rows = new Map<number, number>();
    for (const w of words) {
      const y = Math.round(((w.top + w.bottom) / 2 - slope * ((w.x0 + w.x1) / 2)) / bin);
      rows.set(y, (rows.get(y) ?? 0) + (w.x1 - w.x0));
    }
    let score = 0;
    for (const n of rows.values()) score += n * n;
    if (score > best.score) best = { slope, score };
  }
  return best.slope;
}

/** Words → straightened lines → cells split at column gaps. */
export function linesFromWords(words: Word[], width: number, height: number): TextLine[] {
  const heights = words.map((w) => w.bottom - w.top).sort((a, b) => a - b);
  const h = heights[Math.floor(heights.length / 2)] ?? 20;
  const slope = skewOf(words, h);
  const straight = (w: Word, y: number) => y - slope * ((w.x0 + w.x1) / 2);
  const tall = (w: Word) => w.bottom - w.top > 1.5 * h;
  // A speck above or below a word stretches its box: such a word joins the row of ordinary words its box spans.
  const rowsAt = words.filter((w) => !tall(w)).map((w) => straight(w, (w.top + w.bottom) / 2));
  const snap = (w: Word) => {
    const [lo, hi] = [straight(w, w.top + 0.3 * h), straight(w, w.bottom - 0.3 * h)];
    const mid = (lo + hi) / 2;
    return rowsAt.filter((y) => y >= lo && y <= hi).sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid))[0] ?? mid;
  };
  const placed = words.map((w) => ({ ...w, y: tall(w) ? snap(w) : straight(w, (w.top + w.bottom) / 2) }));
  return linesFromPlaced(placed, {
    sameRow: (_first, last, next) => Math.abs(last.y - next.y) < 0.55 * h,
    join: (cell, next) => (next.x0 - cell.x1 < 1.1 * h ? ' ' : undefined),
    width,
    height,
  });
}

function pngSize(png: Buffer): { width: number; height: number } | undefined {
  return png.subarray(1, 4).toString() === 'PNG' ? { width: png.readUInt32BE(16), height: png.readUInt32BE(20) } : undefined;
}

export class TesseractOcr implements OcrReader {
  private readonly tesseract: string;
  private readonly pdftoppm: string;

  constructor(private readonly opts: TesseractOptions) {
    this.tesseract = opts.tesseractPath ?? 'tesseract';
    this.pdftoppm = opts.pdftoppmPath ?? 'pdftoppm';
  }

  /** Whether Tesseract, every configured language pack and pdftoppm are installed. */
  async available(): Promise<boolean> {
    try {
      const langs = await run(this.tesseract, ['--list-langs'], 10_000);
      await run(this.pdftoppm, ['-v'], 10_000).catch((e: Error) => (/not installed/.test(e.message) ? Promise.reject(e) : ''));
      return this.opts.languages.split('+').every((l) => langs.split(/\s+/).includes(l));
    } catch {
      return false;
    }
  }

  private async read(imagePath: string, size: { width: number; height: number }): Promise<OcrPage> {
    // psm 11: sparse text — folios are forms and tables, not paragraphs.
    const tsv = await run(this.tesseract, [imagePath, 'stdout', '-l', this.opts.languages, '--psm', '11', '--dpi', String(this.opts.dpi), 'tsv'], this.opts.timeoutMs);
    const words = tsvWords(tsv).filter((w) => w.conf >= 0);
    const confidence = words.length ? words.reduce((s, w) => s + w.conf, 0) / words.length / 100 : 0;
    return { lines: linesFromWords(words, size.width, size.height), confidence };
  }

  private async withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(path.join(tmpdir(), 'folio-ocr-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async readImage(bytes: Buffer): Promise<OcrPage> {
    return this.withDir(async (dir) => {
      const file = path.join(dir, 'image');
      await writeFile(file, bytes);
      // Tesseract reads JPEG and PNG itself.
      const size = pngSize(bytes) ?? jpegSize(bytes) ?? { width: 2480, height: 3508 };
      return this.read(file, size);
    });
  }

  async readPdfPages(bytes: Buffer, pages: number[]): Promise<OcrPage[]> {
    return this.withDir(async (dir) => {
      const pdf = path.join(dir, 'in.pdf');
      await writeFile(pdf, bytes);
      const out: OcrPage[] = [];
      for (const p of pages) {
        const base = path.join(dir, `page-${p}`);
        await run(this.pdftoppm, ['-r', String(this.opts.dpi), '-gray', '-png', '-singlefile', '-f', String(p + 1), '-l', String(p + 1), pdf, base], this.opts.timeoutMs);
        const png = (await readdir(dir)).find((f) => f.startsWith(`page-${p}`));
        if (!png) throw new Error(`pdftoppm produced no image for page ${p + 1}`);
        const image = await readFile(path.join(dir, png));
        out.push(await this.read(path.join(dir, png), pngSize(image) ?? { width: 1, height: 1 }));
      }
      return out;
    });
  }
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return undefined;
}
