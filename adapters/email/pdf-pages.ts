// The text of a PDF's first pages, read in a worker thread with a page cap, a memory cap and a deadline:
// a hostile PDF (100,000 pages, a decompression bomb, a parser loop) costs the inbox one thread for a few
// seconds, never its event loop or its memory.
import { Worker } from 'node:worker_threads';

export interface PdfPagesLimits {
  /** Pages whose text is read (a folio has one to a few; a batch a page or two per guest). */
  readPages: number;
  /** More pages than this and it is not a folio at all. */
  maxPages: number;
  timeoutMs: number;
  memoryMb: number;
}

export const PDF_LIMITS: PdfPagesLimits = Object.freeze({ readPages: 30, maxPages: 100, timeoutMs: 15_000, memoryMb: 256 });

export type PdfPages = { ok: true; total: number; pages: string[] } | { ok: false; reason: string; total?: number };

// Plain JavaScript, so the thread needs no TypeScript loader whichever way the process was started.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PDFParse } = require(workerData.module);
(async () => {
  const parser = new PDFParse({ data: workerData.bytes, verbosity: 0 });
  try {
    const r = await parser.getText({ first: workerData.readPages, pageJoiner: '' });
    parentPort.postMessage({ ok: true, total: r.total, pages: r.pages.map((p) => p.text) });
  } catch (e) {
    parentPort.postMessage({ ok: false, reason: (e && e.name === 'PasswordException') ? 'the PDF is password-protected' : 'the PDF could not be read (' + String(e && e.message || e).slice(0, 200) + ')' });
  } finally {
    await parser.destroy().catch(() => undefined);
  }
})();
`;

export async function readPdfPages(bytes: Buffer, limits: PdfPagesLimits = PDF_LIMITS): Promise<PdfPages> {
  const data = new Uint8Array(bytes); // a copy the thread owns
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { bytes: data, readPages: limits.readPages, module: require.resolve('pdf-parse') },
    transferList: [data.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
    stdout: true,
    stderr: true,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await new Promise<PdfPages>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: `the PDF could not be read within ${limits.timeoutMs / 1000} s` }), limits.timeoutMs);
      worker.once('message', (m: PdfPages) => resolve(m));
      worker.once('error', (e) => resolve({ ok: false, reason: `the PDF could not be read (${e.message.slice(0, 200)})` }));
      worker.once('exit', (code) => resolve({ ok: false, reason: `the PDF reader stopped (exit ${code})` }));
    });
    if (r.ok && r.total > limits.maxPages) return { ok: false, total: r.total, reason: `a PDF of ${r.total} pages is not a folio (the limit is ${limits.maxPages})` };
    return r;
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
