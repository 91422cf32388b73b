// OCR on scans: an image-only PDF (turned, toned, noisy, as a scanner leaves it) and a JPEG photo are
// read by Tesseract through the local extractor and checked like any folio; without OCR a scan is a
// clear, machine-readable "ask the hotel for the system PDF". Few and small: OCR is CPU-heavy.
import assert from 'node:assert/strict';
import { createExtractor, LocalPdfExtractor, TesseractOcr } from '../../adapters/extraction';
import { requestFor, truthOf } from '../../bench/extraction-corpora';
import { loadConfig } from '../../config';
import { validateFolio } from '../../domain/validation';
import { independentFolio, renderIndependentFolio } from '../../sandbox/independent-folios/corpus';
import { expectedOf } from '../../sandbox/independent-folios/model';
import { scanOf } from '../../sandbox/independent-folios/scan';

const config = loadConfig({});
const ocr = new TesseractOcr({ languages: config.OCR_LANGUAGES, dpi: config.OCR_DPI, timeoutMs: config.OCR_TIMEOUT_MS });

describe('OCR of scanned folios', function () {
  this.timeout(180_000);

  before(async () => {
    assert.ok(await ocr.available(), `Tesseract (${config.OCR_LANGUAGES}) and pdftoppm must be installed: run scripts/provision.sh`);
  });

  it('reads an image-only PDF scan, says it used OCR, and it validates', async () => {
    const folio = independentFolio(5, 3, 'italian-conto');
    const scan = await scanOf(await renderIndependentFolio(folio), { rotate: 1.1, noise: 10, dpi: 200, format: 'pdf', seed: 3 });
    const plain = await new LocalPdfExtractor().extract(scan, 'application/pdf');
    assert.deepEqual([plain.unreadableCode, validateFolio(plain, requestFor(truthOf({ folio, expected: expectedOf(folio) }))).remedy], ['image-no-ocr', 'ask-hotel-for-system-pdf']);
    const got = await new LocalPdfExtractor({ ocr }).extract(scan, 'application/pdf');
    assert.equal(got.ocr, true);
    assert.ok(got.confidence.ocr! > 0.5 && got.confidence.total! <= got.confidence.ocr!, JSON.stringify(got.confidence));
    const verdict = validateFolio(got, requestFor(truthOf({ folio, expected: expectedOf(folio) })));
    assert.deepEqual(verdict, { ok: true, reasons: [], codes: [] }, JSON.stringify(got));
    // The same scan never passes for another guest or another stay.
    assert.equal(validateFolio(got, { ...requestFor(truthOf({ folio, expected: expectedOf(folio) })), guest: { firstName: 'Chiara', lastName: 'Ferrari' } }).ok, false);
  });

  it('reads a JPEG photo of a folio', async () => {
    const folio = independentFolio(5, 7, 'uk-vat-folio');
    const photo = await scanOf(await renderIndependentFolio(folio), { rotate: -0.8, noise: 8, dpi: 200, format: 'jpeg', seed: 9 });
    const got = await createExtractor(loadConfig({ OCR: 'on' })).extract(photo, 'image/jpeg');
    assert.equal(got.ocr, true);
    assert.deepEqual([got.arrival, got.departure, got.total, got.currency], [folio.arrival, folio.departure, expectedOf(folio).total, 'GBP'], JSON.stringify(got));
  });

  it('reports a scan as unreadable, for the hotel to send its system PDF, when OCR is off', async () => {
    const photo = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const got = await createExtractor(loadConfig({ OCR: 'off' })).extract(photo, 'image/png');
    assert.deepEqual([got.unreadableCode, validateFolio(got, requestFor(truthOf({ folio: independentFolio(1, 1), expected: expectedOf(independentFolio(1, 1)) }))).remedy], ['image-no-ocr', 'ask-hotel-for-system-pdf']);
  });
});
