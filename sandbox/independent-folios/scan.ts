// Scans and photos of folios: pages rasterised with poppler's pdftoppm, then turned slightly, softened,
// toned like paper and sprinkled with noise and specks, as a flatbed scanner or a phone camera leaves
// them — delivered as an image-only PDF, a PNG or a JPEG.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { xorshift } from './corpus';

export interface ScanOptions {
  /** Degrees; a flatbed scan is rarely straighter than ±1.5°. */
  rotate: number;
  /** Standard deviation of the grey-level noise (0..255). */
  noise: number;
  dpi: number;
  format: 'pdf' | 'png' | 'jpeg';
  seed: number;
}

interface Grey {
  width: number;
  height: number;
  data: Uint8Array;
}

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) => execFile(cmd, args, { timeout: 120_000 }, (e, _o, stderr) => (e ? reject(new Error(`${cmd}: ${stderr || e.message}`)) : resolve())));

function readPgm(b: Buffer): Grey {
  const header = b.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a binary PGM');
  return { width: Number(header[1]), height: Number(header[2]), data: new Uint8Array(b.subarray(header[0].length)) };
}

/** A page as a scanner leaves it: turned, softened, paper-toned, noisy, with a few specks. */
export function degrade(page: Grey, o: Pick<ScanOptions, 'rotate' | 'noise' | 'seed'>): Grey {
  const { width: w, height: h, data } = page;
  const rng = xorshift(o.seed);
  const out = new Uint8Array(w * h);
  const [cos, sin] = [Math.cos((o.rotate * Math.PI) / 180), Math.sin((o.rotate * Math.PI) / 180)];
  const [cx, cy] = [w / 2, h / 2];
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 255 : data[y * w + x]!);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse rotation, bilinear sample.
      const sx = cos * (x - cx) + sin * (y - cy) + cx;
      const sy = -sin * (x - cx) + cos * (y - cy) + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const [fx, fy] = [sx - x0, sy - y0];
      const v = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
      // Paper is not white and toner is not black.
      const toned = 28 + (v / 255) * (236 - 28);
      const gauss = Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
      out[y * w + x] = Math.max(0, Math.min(255, Math.round(toned + gauss * o.noise)));
    }
  }
  // Dust and specks.
  for (let i = 0; i < (w * h) / 4000; i++) {
    const [x, y] = [Math.floor(rng() * w), Math.floor(rng() * h)];
    const r = 1 + Math.floor(rng() * 2);
    for (let dy = 0; dy < r; dy++) for (let dx = 0; dx < r; dx++) if (x + dx < w && y + dy < h) out[(y + dy) * w + x + dx] = 40;
  }
  return { width: w, height: h, data: out };
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([len, typed, crc]);
}

/** An 8-bit greyscale PNG. */
export function encodePng(g: Grey): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(g.width, 0);
  ihdr.writeUInt32BE(g.height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const raw = Buffer.alloc((g.width + 1) * g.height);
  for (let y = 0; y < g.height; y++) raw.set(g.data.subarray(y * g.width, (y + 1) * g.width), y * (g.width + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A scan of `pdf`: image-only PDF (every page), or a PNG/JPEG photo of its first page. */
export async function scanOf(pdf: Buffer, o: ScanOptions): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'folio-scan-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(o.dpi), '-gray', ...(o.format === 'pdf' ? [] : ['-f', '1', '-l', '1']), path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
    const files = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.pgm')).sort();
    const pages = await Promise.all(files.map(async (f, i) => encodePng(degrade(readPgm(await readFile(path.join(dir, f))), { ...o, seed: o.seed + i }))));
    if (o.format === 'png') return pages[0]!;
    const doc = await PDFDocument.create();
    doc.setCreationDate(new Date(Date.UTC(2026, 0, 1)));
    doc.setProducer('scanner');
    for (const png of pages) {
      const image = await doc.embedPng(png);
      const page = doc.addPage([(image.width / o.dpi) * 72, (image.height / o.dpi) * 72]);
      page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    }
    const scanned = Buffer.from(await doc.save());
    if (o.format === 'pdf') return scanned;
    // A phone photo: the same page as a JPEG.
    await writeFile(path.join(dir, 'scan.pdf'), scanned);
    await run('pdftoppm', ['-r', String(o.dpi), '-gray', '-jpeg', '-jpegopt', 'quality=80', '-singlefile', path.join(dir, 'scan.pdf'), path.join(dir, 'photo')]);
    return await readFile(path.join(dir, 'photo.jpg'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
