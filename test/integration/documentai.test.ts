// The Document AI adapter through Google's real client (gRPC) against the local endpoint: entity
// mapping, batch PDFs, rejected documents, a wrong processor, an endpoint that is down, and the
// extractor chosen from configuration.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createExtractionActivities } from '../../activities/extraction';
import { createExtractor, parseEndpoint } from '../../adapters/extraction';
import { DocumentAiExtractor, ExtractorConfigError, folioDataFromDocument } from '../../adapters/extraction/documentai';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import { fieldScores, FIELDS } from '../../bench/extraction-accuracy';
import { ownTruth } from '../../bench/extraction-corpora';
import { loadConfig } from '../../config';
import type { DocumentRef, FolioData } from '../../domain/model';
import { validateFolio } from '../../domain/validation';
import { startDocumentAiFake, type DocumentAiFake } from '../../sandbox/documentai-fake';
import { FOLIO_LAYOUTS, folioCorpus } from '../../sandbox/folio-corpus';
import { multiGuestFolio, renderFolioPdf } from '../../sandbox/folio-pdf';
import { freePort } from '../helpers/stack';

const PROCESSOR = 'projects/sandbox/locations/eu/processors/folio-invoice';

describe('Document AI extractor against the local endpoint', function () {
  this.timeout(20_000);
  let fake: DocumentAiFake;
  let extractor: DocumentAiExtractor;
  const corpus = folioCorpus(77, FOLIO_LAYOUTS.length * 2);

  before(async () => {
    fake = await startDocumentAiFake({ processors: ['folio-invoice'] });
    extractor = new DocumentAiExtractor({ processorName: PROCESSOR, apiEndpoint: '127.0.0.1', port: fake.port, insecure: true, timeoutMs: 5000 });
  });
  after(async () => {
    await extractor?.close();
    await fake?.stop();
  });

  it('maps Invoice Parser entities onto the same FolioData as the local extractor, in every layout', async () => {
    const local = new LocalPdfExtractor();
    for (const { spec, expected } of corpus) {
      const pdf = await renderFolioPdf(spec);
      const got = await extractor.extract(pdf, 'application/pdf');
      assert.equal(got.extractor, 'documentai');
      const scores = fieldScores(ownTruth(spec, expected), got);
      assert.deepEqual(FIELDS.filter((f) => !scores[f]), [], `${spec.layout}: ${JSON.stringify(got)}`);
      const fromLocal = await local.extract(pdf, 'application/pdf');
      assert.deepEqual(
        got.lineItems.map((l) => [l.category, l.amount, l.date]),
        fromLocal.lineItems.map((l) => [l.category, l.amount, l.date]),
      );
      assert.ok(got.confidence.total! > 0.5 && got.confidence.arrival! <= 0.7, JSON.stringify(got.confidence));
      assert.equal(validateFolio(got, { guest: spec.guests[0]!, checkIn: spec.arrival, checkOut: spec.departure, confirmationNumber: spec.confirmationNumber ?? 'none' }).ok, true);
    }
    assert.ok(fake.calls() >= corpus.length);
  });

  it('splits a multi-guest PDF into one folio per invoice', async () => {
    const specs = corpus.slice(0, 3).map((c) => c.spec);
    const folios = await extractor.extractAll(await multiGuestFolio(specs), 'application/pdf');
    assert.deepEqual(folios.map((f) => f.folioNumber), specs.map((s) => s.folioNumber));
    assert.deepEqual(folios.map((f) => f.total), corpus.slice(0, 3).map((c) => c.expected.total));
  });

  describe('a realistic Invoice Parser response (Italian conto, test/fixtures/documentai)', () => {
    const response = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'documentai', 'invoice-parser-conto.json'), 'utf8')) as { document: Parameters<typeof folioDataFromDocument>[0] };

    it('maps its entities and token layout onto FolioData, leaving the card payment out of the charges', () => {
      const [got, ...more] = folioDataFromDocument(response.document);
      assert.equal(more.length, 0);
      assert.deepEqual([got!.hotelName, got!.folioNumber, got!.total, got!.tax, got!.currency], ['HOTEL BELLAVISTA', '1187/2026', 1302.5, 116.23, 'EUR']);
      // receiver_name "Sig. Mario Rossi": the page's labelled guest, without the title.
      assert.deepEqual(got!.guestNames, ['Mario Rossi']);
      // Stay and booking reference are not invoice entities: read from the rebuilt page lines.
      assert.deepEqual([got!.arrival, got!.departure, got!.confirmationNumber], ['2026-03-11', '2026-03-14', '4471902']);
      assert.equal(got!.lineItems.length, 7);
      assert.ok(got!.lineItems.every((l) => l.date && !/pagamento/i.test(l.description)));
      assert.deepEqual(got!.lineItems.filter((l) => l.category === 'room').map((l) => l.date), ['2026-03-11', '2026-03-12', '2026-03-13']);
      assert.equal(got!.confidence.total, 0.94);
      assert.ok(got!.confidence.arrival! <= 0.7);
      assert.equal(got!.fieldSources!.folioNumber, 'Invoice Parser invoice_id');
      const check = { guest: { firstName: 'Mario', lastName: 'Rossi' }, checkIn: '2026-03-11', checkOut: '2026-03-14', confirmationNumber: '4471902', expected: { amount: 1302.5, currency: 'EUR' } };
      assert.deepEqual(validateFolio(got!, check), { ok: true, reasons: [], codes: [] });
    });

    it('takes the page total when the total_amount entity is the zero balance', () => {
      const doc = structuredClone(response.document);
      const total = doc.entities!.find((e) => e.type === 'total_amount')!;
      total.mentionText = '0,00';
      total.normalizedValue = { text: '0', moneyValue: { currencyCode: 'EUR', units: '0' } };
      const [got] = folioDataFromDocument(doc);
      assert.equal(got!.total, 1302.5);
      assert.match(got!.fieldSources!.total!, /^page text/);
    });

    it('falls back to the page text when the response has no tokens', () => {
      const doc = structuredClone(response.document);
      delete doc.pages![0]!.tokens;
      const [got] = folioDataFromDocument(doc);
      assert.deepEqual([got!.arrival, got!.departure, got!.lineItems.length, got!.total], ['2026-03-11', '2026-03-14', 7, 1302.5]);
    });
  });

  it('reports a scan the processor found no text in', async () => {
    const got = await extractor.extract(await renderFolioPdf({ ...corpus[0]!.spec, imageOnly: true }), 'application/pdf');
    assert.equal(got.unreadableReason, 'Document AI found no text in the document');
    assert.equal(validateFolio(got, { guest: corpus[0]!.spec.guests[0]!, checkIn: corpus[0]!.spec.arrival, checkOut: corpus[0]!.spec.departure, confirmationNumber: 'x' }).remedy, 'ask-hotel-for-system-pdf');
  });

  it('reports a document the service rejects (encrypted PDF)', async () => {
    const got = await extractor.extract(await renderFolioPdf(corpus[0]!.spec, { userPassword: 'x' }), 'application/pdf');
    assert.match(got.unreadableReason ?? '', /^Document AI rejected the document: .*password protected/);
  });

  it('does not send what the service cannot read', async () => {
    const before = fake.calls();
    const got = await extractor.extract(Buffer.from('PK\x03\x04 not really a folio'), 'application/pdf');
    assert.match(got.unreadableReason ?? '', /zip archive/);
    assert.equal(fake.calls(), before);
  });

  it('treats an unknown processor as a permanent misconfiguration, up to a non-retryable activity failure', async () => {
    const wrong = new DocumentAiExtractor({ processorName: 'projects/sandbox/locations/eu/processors/nope', apiEndpoint: '127.0.0.1', port: fake.port, insecure: true, timeoutMs: 5000 });
    try {
      const pdf = await renderFolioPdf(corpus[1]!.spec);
      await assert.rejects(wrong.extract(pdf, 'application/pdf'), (e: unknown) => e instanceof ExtractorConfigError && /not found/.test(e.message));
      const ref: DocumentRef = { documentId: 'doc-1', sha256: createHash('sha256').update(pdf).digest('hex'), contentType: 'application/pdf', size: pdf.length, source: 'email' };
      const documents = { save: async () => ref, read: async () => ({ bytes: pdf, ref }) };
      const { extractFolio } = createExtractionActivities({ extractor: wrong, documents });
      const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
      const err = await (env.run(extractFolio, { document: ref }) as Promise<FolioData>).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ApplicationFailure && err.nonRetryable && err.type === 'ExtractorMisconfigured', String(err));
    } finally {
      await wrong.close();
    }
  });

  it('lets an unreachable endpoint fail as a retryable error', async () => {
    const down = new DocumentAiExtractor({ processorName: PROCESSOR, apiEndpoint: '127.0.0.1', port: await freePort(), insecure: true, timeoutMs: 3000 });
    try {
      await assert.rejects(down.extract(await renderFolioPdf(corpus[2]!.spec), 'application/pdf'), (e: unknown) => !(e instanceof ExtractorConfigError) && (e as { code?: number }).code === 14);
    } finally {
      await down.close();
    }
  });

  describe('createExtractor', () => {
    it('builds the configured extractor and never falls back', async () => {
      assert.ok(createExtractor(loadConfig({})) instanceof LocalPdfExtractor);
      assert.throws(() => createExtractor(loadConfig({ EXTRACTOR: 'documentai' })), /needs DOCUMENTAI_PROCESSOR/);
      assert.throws(() => createExtractor(loadConfig({ EXTRACTOR: 'documentai', DOCUMENTAI_PROCESSOR: 'my-processor' })), /must look like projects\/P\/locations\/L\/processors\/ID/);
      const configured = createExtractor(loadConfig({ EXTRACTOR: 'documentai', DOCUMENTAI_PROCESSOR: PROCESSOR, DOCUMENTAI_ENDPOINT: `127.0.0.1:${fake.port}` }));
      assert.ok(configured instanceof DocumentAiExtractor);
      try {
        const got = await configured.extract(await renderFolioPdf(corpus[3]!.spec), 'application/pdf');
        assert.equal(got.folioNumber, corpus[3]!.spec.folioNumber);
      } finally {
        await configured.close();
      }
    });
    it('parses DOCUMENTAI_ENDPOINT as host[:port]', () => {
      assert.deepEqual(parseEndpoint('eu-documentai.googleapis.com'), { host: 'eu-documentai.googleapis.com', port: undefined });
      assert.deepEqual(parseEndpoint('127.0.0.1:9443'), { host: '127.0.0.1', port: 9443 });
      assert.deepEqual(parseEndpoint('[::1]:9443'), { host: '[::1]', port: 9443 });
      assert.throws(() => parseEndpoint('https://eu-documentai.googleapis.com/v1'), /must be host\[:port\]/);
      assert.throws(() => parseEndpoint('127.0.0.1:70000'), /out of range/);
    });
  });
});
