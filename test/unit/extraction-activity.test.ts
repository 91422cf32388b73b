import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DocumentRef, FolioData } from '../../domain/model';
import type { DocumentStore } from '../../domain/ports';
import { createExtractionActivities, type ExtractFolioInput } from '../../activities/extraction';
import { LocalPdfExtractor, NO_TEXT_LAYER } from '../../adapters/extraction/local-pdf';
import { sniffContentType } from '../../adapters/extraction/sniff';
import { multiGuestFolio, renderFolioPdf, type FolioSpec } from '../../sandbox/folio-pdf';
import { Sheet } from '../../sandbox/independent-folios/sheet';

/** The document store is the network edge of this activity; this one keeps bytes in memory. */
class MemoryDocumentStore implements DocumentStore {
  readonly docs = new Map<string, { bytes: Buffer; ref: DocumentRef }>();
  failReads = 0;
  async save(bytes: Buffer, meta: { filename?: string; source: DocumentRef['source']; messageId?: string }): Promise<DocumentRef> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ref: DocumentRef = { documentId: `doc-${sha256.slice(0, 32)}`, sha256, contentType: sniffContentType(bytes), size: bytes.length, ...meta };
    this.docs.set(ref.documentId, { bytes, ref });
    return ref;
  }
  async read(documentId: string) {
    if (this.failReads-- > 0) throw Object.assign(new Error('connection reset by peer'), { name: 'MongoNetworkError' });
    const doc = this.docs.get(documentId);
    if (!doc) throw Object.assign(new Error(`no document ${documentId}`), { name: 'DocumentNotFoundError' });
    return doc;
  }
}

const spec = (over: Partial<FolioSpec> = {}): FolioSpec => ({
  hotelName: 'Hotel am Dom',
  hotelAddress: 'Domplatz 3, 50667 Köln',
  guests: [{ firstName: 'Jürgen', lastName: 'Müller' }],
  arrival: '2026-03-02',
  departure: '2026-03-04',
  folioNumber: '4711-26',
  confirmationNumber: 'KX551234',
  roomNumber: '214',
  currency: 'EUR',
  nightlyRate: 129,
  extras: [{ description: 'Frühstück', amount: 24.5, category: 'food_beverage', date: '2026-03-03' }],
  taxRate: 0.07,
  layout: 'german',
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the activity to fail');
}

describe('extractFolio activity', () => {
  const documents = new MemoryDocumentStore();
  const { extractFolio } = createExtractionActivities({ extractor: new LocalPdfExtractor(), documents });
  // Failures are asserted below; the SDK's own failure log would only add noise.
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const run = (input: ExtractFolioInput) => env.run(extractFolio, input) as Promise<FolioData>;

  it('reads the document from the store and extracts the folio', async () => {
    const ref = await documents.save(await renderFolioPdf(spec()), { source: 'email', filename: 'Rechnung.pdf' });
    const data = await run({ document: ref });
    assert.equal(data.unreadableReason, undefined);
    assert.equal(data.folioNumber, '4711-26');
    assert.equal(data.total, 282.5);
    assert.equal(data.currency, 'EUR');
  });

  it('picks the folio of the requested guest from a multi-guest PDF', async () => {
    const pdf = await multiGuestFolio([
      spec({ guests: [{ firstName: 'Anna', lastName: 'Schmidt' }], folioNumber: '1001-26' }),
      spec({ guests: [{ firstName: 'Jürgen', lastName: 'Müller' }], folioNumber: '1002-26' }),
    ]);
    const ref = await documents.save(pdf, { source: 'email' });
    const data = await run({ document: ref, guest: { firstName: 'Juergen', lastName: 'MUELLER' } });
    assert.equal(data.folioNumber, '1002-26');
    const first = await run({ document: ref });
    assert.equal(first.folioNumber, '1001-26');
  });

  it('reads ambiguous day/month dates in the order of the requested stay when given it', async () => {
    // 03/04/2026 – 04/04/2026 with nothing to tell the order: 3–4 April or 4 March – 4 April.
    const sheet = await Sheet.create();
    ['Hotel Lumen', 'Guest: Ann Lee', 'Arrival: 03/04/2026', 'Departure: 04/04/2026', 'Folio No.: 88121', 'Total 100.00 EUR'].forEach((t, i) => sheet.text(50, 60 + i * 14, t));
    const ref = await documents.save(await sheet.bytes(), { source: 'email' });
    const plain = await run({ document: ref });
    assert.deepEqual([plain.arrival, plain.alternativeStay?.arrival, plain.confidence.arrival], ['2026-04-03', '2026-03-04', 0.6]);
    const resolved = await run({ document: ref, stay: { checkIn: '2026-03-04', checkOut: '2026-04-04' } });
    assert.deepEqual([resolved.arrival, resolved.departure, resolved.confidence.arrival], ['2026-03-04', '2026-04-04', 0.7]);
    assert.match(resolved.fieldSources!.arrival!, /as the requested stay shows/);
  });

  it('returns an unreadable folio (not an error) for an image-only scan', async () => {
    const ref = await documents.save(await renderFolioPdf(spec({ imageOnly: true })), { source: 'email' });
    const data = await run({ document: ref });
    assert.equal(data.unreadableReason, NO_TEXT_LAYER);
    assert.equal(data.unreadableCode, 'image-no-ocr');
  });

  it('fails without retry when the document is missing', async () => {
    const ref: DocumentRef = { documentId: 'doc-missing', sha256: '0'.repeat(64), contentType: 'application/pdf', size: 1, source: 'email' };
    const err = await rejection(run({ document: ref }));
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.nonRetryable, true);
    assert.equal(err.type, 'DocumentMissing');
  });

  it('fails without retry when the stored bytes do not match the reference', async () => {
    const ref = await documents.save(await renderFolioPdf(spec({ folioNumber: '9-99' })), { source: 'upload' });
    const err = await rejection(run({ document: { ...ref, sha256: 'f'.repeat(64) } }));
    assert.ok(err instanceof ApplicationFailure);
    assert.equal(err.nonRetryable, true);
    assert.equal(err.type, 'DocumentCorrupted');
  });

  it('lets a transient store failure through so Temporal retries it', async () => {
    const ref = await documents.save(await renderFolioPdf(spec({ folioNumber: '7-77' })), { source: 'upload' });
    documents.failReads = 1;
    const err = await rejection(run({ document: ref }));
    assert.ok(!(err instanceof ApplicationFailure), 'a plain error is retried by the activity retry policy');
    assert.match(String(err), /connection reset/);
    const data = await run({ document: ref });
    assert.equal(data.folioNumber, '7-77');
  });
});
