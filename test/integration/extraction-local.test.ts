// The local extractor on real PDFs: the sandbox corpus round-trips in every house style, and bad
// input (scans, garbage, archives, encrypted or damaged PDFs) gets a clear reason, never a crash.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { LocalPdfExtractor, NO_TEXT_LAYER } from '../../adapters/extraction/local-pdf';
import { findDate, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { fieldScores, FIELDS } from '../../bench/extraction-accuracy';
import { ownTruth } from '../../bench/extraction-corpora';
import { validateFolio } from '../../domain/validation';
import { FOLIO_LAYOUTS, folioCorpus } from '../../sandbox/folio-corpus';
import { multiGuestFolio, renderFolioPdf, type FolioSpec } from '../../sandbox/folio-pdf';

const extractor = new LocalPdfExtractor();

const base: FolioSpec = {
  hotelName: 'Hôtel du Parc',
  hotelAddress: '12 rue de Rivoli, 75001 Paris',
  guests: [{ firstName: 'Hélène', lastName: 'Dubois' }],
  arrival: '2026-03-02',
  departure: '2026-03-05',
  folioNumber: 'F20931',
  confirmationNumber: 'PX448812',
  roomNumber: '305',
  currency: 'EUR',
  nightlyRate: 189,
  extras: [{ description: 'Petit-déjeuner', amount: 28, category: 'food_beverage', date: '2026-03-03' }],
  taxRate: 0.1,
  layout: 'french',
};

/** What a scanner makes: an image-like page with only its own stamp as text. */
async function stampedScan(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let i = 0; i < 300; i++) doc.rect(50 + (i % 30) * 16, 80 + Math.floor(i / 30) * 12, 9, 7);
  doc.fill('#333333');
  doc.fontSize(6).text('Scan 0001  p. 1/1', 50, 800);
  doc.end();
  return done;
}

/** A minimal but valid zip archive holding one file. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(8, 8);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(content.length, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name), data]);
}

describe('local PDF extractor', function () {
  this.timeout(20_000);

  describe('round-trips the sandbox corpus', () => {
    const corpus = folioCorpus(2026, FOLIO_LAYOUTS.length * 4);
    for (const layout of FOLIO_LAYOUTS) {
      it(`reads every field of ${layout} folios and they pass validation`, async () => {
        for (const { spec, expected } of corpus.filter((c) => c.spec.layout === layout)) {
          const got = await extractor.extract(await renderFolioPdf(spec), 'application/pdf');
          const scores = fieldScores(ownTruth(spec, expected), got);
          assert.deepEqual(FIELDS.filter((f) => !scores[f]), [], `${layout} folio ${spec.folioNumber}: ${JSON.stringify(got)}`);
          assert.equal(got.extractor, 'local');
          assert.ok(got.confidence.total! >= 0.9 && got.confidence.lineItems! >= 0.9);
          const request = { guest: spec.guests[0]!, checkIn: spec.arrival, checkOut: spec.departure, confirmationNumber: spec.confirmationNumber ?? 'N/A', expected: { amount: expected.total!, currency: spec.currency } };
          assert.deepEqual(validateFolio(got, request), { ok: true, reasons: [], codes: [] });
        }
      });
    }
  });

  it('categorises line items and separates VAT included in prices from VAT added on top', async () => {
    const fr = await extractor.extract(await renderFolioPdf({ ...base, extras: [...base.extras!, { description: 'Parking', amount: 25, category: 'parking', date: '2026-03-04' }] }), 'application/pdf');
    assert.deepEqual(fr.lineItems.map((l) => l.category), ['room', 'room', 'food_beverage', 'room', 'parking']);
    assert.equal(fr.total, 620);
    assert.equal(fr.tax, 56.36);
    const en = await extractor.extract(await renderFolioPdf({ ...base, layout: 'modern', currency: 'GBP', taxRate: 0.2 }), 'application/pdf');
    assert.deepEqual(en.lineItems.map((l) => l.category), ['room', 'room', 'food_beverage', 'room', 'tax']);
    assert.equal(en.tax, 119);
    assert.equal(en.total, 714);
  });

  it('returns each folio of a multi-guest PDF, one per page', async () => {
    const specs = [
      base,
      { ...base, guests: [{ firstName: 'Marc', lastName: 'Lefèvre' }], folioNumber: 'F20932', layout: 'german' as const },
      { ...base, guests: [{ firstName: 'Ana', lastName: 'Núñez' }, { firstName: 'José', lastName: 'García López' }], folioNumber: 'F20933', layout: 'spanish' as const },
    ];
    const folios = await extractor.extractAll(await multiGuestFolio(specs), 'application/pdf');
    assert.deepEqual(folios.map((f) => f.folioNumber), ['F20931', 'F20932', 'F20933']);
    assert.deepEqual(folios.map((f) => f.guestNames), [['Hélène DUBOIS'], ['Marc Lefèvre'], ['Ana Núñez', 'José García López']]);
    assert.equal((await extractor.extract(await multiGuestFolio(specs), 'application/pdf')).folioNumber, 'F20931');
  });

  it('reports a wrong guest through validation', async () => {
    const got = await extractor.extract(await renderFolioPdf({ ...base, guests: [{ firstName: 'Pierre', lastName: 'Martin' }] }), 'application/pdf');
    const v = validateFolio(got, { guest: { firstName: 'Hélène', lastName: 'Dubois' }, checkIn: base.arrival, checkOut: base.departure, confirmationNumber: 'PX448812' });
    assert.deepEqual(v.reasons, ['guest name not found on the folio (it names another guest)']);
  });

  describe('unreadable input gets a clear reason', () => {
    const cases: [string, () => Promise<Buffer>, RegExp][] = [
      ['an image-only scan', () => renderFolioPdf({ ...base, imageOnly: true }), new RegExp(`^${NO_TEXT_LAYER.replace(/[()]/g, '\\$&')}$`)],
      ['a scan with only the scanner stamp as text', stampedScan, new RegExp(`^${NO_TEXT_LAYER.replace(/[()]/g, '\\$&')}$`)],
      ['an encrypted PDF', () => renderFolioPdf(base, { userPassword: 'hotel' }), /password-protected \(encrypted\)/],
      ['a truncated PDF', async () => (await renderFolioPdf(base)).subarray(0, 900), /damaged or invalid|no text layer/],
      ['PDF magic followed by garbage', async () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x5a)]), /damaged or invalid/],
      ['random bytes', async () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /not a PDF \(its bytes look like application\/octet-stream\)/],
      ['a zip archive', async () => zipOf('folio.pdf', await renderFolioPdf(base)), /zip archive, not a PDF/],
      ['a PNG image', async () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), /image \(image\/png\) and no OCR is configured/],
      ['an HTML page', async () => Buffer.from('<!DOCTYPE html><html><body>Your folio</body></html>'), /not a PDF \(its bytes look like text\/html\)/],
      ['an empty file', async () => Buffer.alloc(0), /not a PDF/],
    ];
    for (const [what, bytes, reason] of cases) {
      it(`for ${what}`, async () => {
        const got = await extractor.extract(await bytes(), 'application/pdf');
        assert.match(got.unreadableReason ?? '', reason);
        assert.deepEqual([got.guestNames, got.lineItems, got.total], [[], [], undefined]);
        const v = validateFolio(got, { guest: base.guests[0]!, checkIn: base.arrival, checkOut: base.departure, confirmationNumber: 'x' });
        assert.equal(v.ok, false);
        assert.match(v.reasons[0]!, /^the document could not be read: /);
      });
    }
  });

  describe('tolerant parsing of text from other hotel systems', () => {
    const lines = (text: string): TextLine[] => text.trim().split('\n').map((t) => ({ cells: t.trim().split(/ {2,}/), text: t.trim().replace(/ {2,}/g, ' ') }));

    it('reads US month-first dates, Swiss apostrophe thousands and an unlabelled tax line', () => {
      const got = parseFolioLines(
        lines(`
          The Lakeview Resort
          Guest: Mrs. Anne-Marie O'Neil
          Arrival Date: 03/14/2026    Departure Date: 03/16/2026
          Reservation #: 0098-7765
          Invoice No: 55120
          03/14/2026  Room Charge  1'250.00 USD
          03/15/2026  Room Charge  1'250.00 USD
          03/15/2026  Valet Parking  45.00 USD
          03/16/2026  State Tax 6%  152.70 USD
          Grand Total  2'697.70 USD
          Visa Payment  (2'697.70)
        `),
        'local',
      );
      assert.equal(got.arrival, '2026-03-14');
      assert.equal(got.departure, '2026-03-16');
      assert.equal(got.confirmationNumber, '0098-7765');
      assert.equal(got.folioNumber, '55120');
      assert.deepEqual(got.guestNames, ["Anne-Marie O'Neil"]);
      assert.deepEqual(got.lineItems.map((l) => [l.category, l.amount]), [['room', 1250], ['room', 1250], ['parking', 45], ['tax', 152.7]]);
      assert.equal(got.total, 2697.7);
      assert.equal(got.currency, 'USD');
    });

    it('infers the stay from nightly charges when the folio prints no arrival or departure', () => {
      const got = parseFolioLines(
        lines(`
          Hotel Zur Sonne
          Rechnung Nr. 2026/0042
          Gast: Weiß, Günther
          01.02.2026  Übernachtung  95,00 €
          02.02.2026  Übernachtung  95,00 €
          02.02.2026  Frühstück  14,50 €
          Gesamtbetrag  204,50 €
          inkl. MwSt. 7 %  13,38 €
        `),
        'local',
      );
      assert.equal(got.folioNumber, '2026/0042');
      assert.deepEqual(got.guestNames, ['Günther Weiß']);
      assert.equal(got.arrival, '2026-02-01');
      assert.equal(got.departure, '2026-02-03');
      assert.ok(got.confidence.arrival! < 0.9);
      assert.equal(got.total, 204.5);
      assert.equal(got.tax, 13.38);
      assert.equal(got.lineItems.length, 3);
    });

    it('reads dates in the formats hotels print', () => {
      const cases: [string, 'dmy' | 'mdy', string][] = [
        ['2026-04-03', 'dmy', '2026-04-03'],
        ['03.04.2026', 'mdy', '2026-04-03'],
        ['03/04/2026', 'dmy', '2026-04-03'],
        ['04/03/2026', 'mdy', '2026-04-03'],
        ['03-APR-26', 'dmy', '2026-04-03'],
        ['Apr 3, 2026', 'dmy', '2026-04-03'],
        ['3 avril 2026', 'dmy', '2026-04-03'],
        ['3. März 2026', 'dmy', '2026-03-03'],
        ['3 de abril de 2026', 'dmy', '2026-04-03'],
        ['Arrival: 03 Apr 2026 (late)', 'dmy', '2026-04-03'],
      ];
      for (const [text, order, expected] of cases) assert.equal(findDate(text, order), expected, text);
      assert.equal(findDate('31/02/2026', 'dmy'), undefined);
      assert.equal(findDate('Room 1204', 'dmy'), undefined);
    });

    it('takes letter-only prefixed references but not words after a label', () => {
      const got = parseFolioLines(lines('GUEST FOLIO\nFolio No.: F-QWERTZ\nConfirmation: pending'), 'local');
      assert.equal(got.folioNumber, 'F-QWERTZ');
      assert.equal(got.confirmationNumber, undefined);
    });

    it('leaves missing fields empty instead of guessing', () => {
      const got = parseFolioLines(lines('Thank you for your stay\nSee you soon'), 'local');
      assert.deepEqual([got.total, got.arrival, got.folioNumber, got.guestNames, got.lineItems], [undefined, undefined, undefined, [], []]);
      assert.equal(validateFolio(got, { guest: base.guests[0]!, checkIn: base.arrival, checkOut: base.departure, confirmationNumber: 'x' }).reasons.length, 4);
    });
  });
});
