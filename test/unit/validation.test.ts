import assert from 'node:assert/strict';
import type { FolioData } from '../../domain/model';
import { namesAnotherGuestOrStay, resolveStayAgainstRequest, validateFolio, type FolioCheck } from '../../domain/validation';

const request: FolioCheck = {
  guest: { firstName: 'Hélène', lastName: 'Dubois', additionalNames: ['Marc Dubois'] },
  checkIn: '2026-03-02',
  checkOut: '2026-03-05',
  confirmationNumber: 'AB-12345',
  expected: { amount: 400, currency: 'EUR' },
};

function folio(over: Partial<FolioData> = {}): FolioData {
  return {
    hotelName: 'Hôtel du Parc',
    guestNames: ['DUBOIS, HELENE'],
    arrival: '2026-03-02',
    departure: '2026-03-05',
    folioNumber: 'F-998',
    confirmationNumber: 'ab12345',
    lineItems: [
      { description: 'Hébergement', amount: 120, category: 'room', date: '2026-03-02' },
      { description: 'Hébergement', amount: 120, category: 'room', date: '2026-03-03' },
      { description: 'Hébergement', amount: 120, category: 'room', date: '2026-03-04' },
      { description: 'Petit-déjeuner', amount: 36, category: 'food_beverage', date: '2026-03-03' },
    ],
    total: 396,
    tax: 36,
    currency: 'EUR',
    confidence: {},
    extractor: 'local',
    ...over,
  };
}

describe('validateFolio', () => {
  it('passes a folio that matches the request', () => {
    assert.deepEqual(validateFolio(folio(), request), { ok: true, reasons: [], codes: [] });
  });
  it('accepts the folio in the name of an additional guest', () => {
    assert.equal(validateFolio(folio({ guestNames: ['Mr Marc Dubois'] }), request).ok, true);
  });
  it('reports another guest', () => {
    const r = validateFolio(folio({ guestNames: ['Pierre Martin'] }), request);
    assert.equal(r.ok, false);
    assert.deepEqual(r.reasons, ['guest name not found on the folio (it names another guest)']);
  });
  it('reports a folio with no guest name', () => {
    assert.deepEqual(validateFolio(folio({ guestNames: [] }), request).reasons, ['no guest name found on the folio']);
  });
  it('requires the exact arrival date', () => {
    assert.deepEqual(validateFolio(folio({ arrival: '2026-03-01' }), request).reasons, ['arrival 2026-03-01 differs from the requested check-in 2026-03-02']);
  });
  it('allows departure one day off but not two', () => {
    assert.equal(validateFolio(folio({ departure: '2026-03-06' }), request).ok, true);
    assert.equal(validateFolio(folio({ departure: '2026-03-04' }), request).ok, true);
    assert.deepEqual(validateFolio(folio({ departure: '2026-03-07' }), request).reasons, [
      'departure 2026-03-07 differs from the requested check-out 2026-03-05 by more than 1 day',
    ]);
    // a date that is no date at all is not "the same stay" either
    for (const departure of ['2026-03-32', '2026-02-30', '5 March']) {
      assert.match(validateFolio(folio({ departure }), request).reasons.join(), new RegExp(`departure ${departure} differs`));
    }
  });
  it('reports missing dates', () => {
    assert.deepEqual(validateFolio(folio({ arrival: undefined, departure: undefined }), request).reasons, [
      'arrival date not found on the folio',
      'departure date not found on the folio',
    ]);
  });
  it('checks the confirmation number only when the folio prints one', () => {
    assert.equal(validateFolio(folio({ confirmationNumber: undefined }), request).ok, true);
    assert.equal(validateFolio(folio({ confirmationNumber: 'AB 0012345' }), { ...request, confirmationNumber: 'ab-12345' }).ok, true);
    assert.deepEqual(validateFolio(folio({ confirmationNumber: 'AB12346' }), request).reasons, ['confirmation number AB12346 differs from the requested AB-12345']);
  });
  it('reports a missing total', () => {
    assert.deepEqual(validateFolio(folio({ total: undefined }), request).reasons, ['total amount missing']);
  });
  it('reports line items that do not add up to the total beyond max(0.02, 0.5%)', () => {
    // 396 vs 398: off by 2, tolerance 1.99
    assert.deepEqual(validateFolio(folio({ total: 398 }), request).reasons, ['line items add up to 396.00 but the total is 398.00']);
    assert.equal(validateFolio(folio({ total: 397.98 }), request).ok, true);
    const small = folio({ lineItems: [{ description: 'Coffee', amount: 3.5, category: 'food_beverage' }], total: 3.53 });
    assert.deepEqual(validateFolio(small, request).reasons, ['line items add up to 3.50 but the total is 3.53']);
    assert.equal(validateFolio({ ...small, total: 3.52 }, request).ok, true);
  });
  it('reports a total with no line items', () => {
    assert.deepEqual(validateFolio(folio({ lineItems: [] }), request).reasons, ['no line items found to check the total against']);
  });
  it('reports a currency other than the expected one', () => {
    assert.deepEqual(validateFolio(folio({ currency: 'CHF' }), request).reasons, ['currency CHF differs from the expected EUR']);
    assert.deepEqual(validateFolio(folio({ currency: undefined }), request).reasons, ['currency not found on the folio (expected EUR)']);
    assert.equal(validateFolio(folio({ currency: undefined }), { ...request, expected: undefined }).ok, true);
  });
  it('fails an unreadable document with its reason and nothing else', () => {
    const r = validateFolio(folio({ unreadableReason: 'no text layer (image-only scan) and no OCR configured', guestNames: [] }), request);
    assert.deepEqual(r, { ok: false, reasons: ['the document could not be read: no text layer (image-only scan) and no OCR configured'], codes: ['unreadable'], remedy: 'ask-hotel-for-system-pdf' });
  });
  it('lists every problem at once', () => {
    const r = validateFolio(folio({ guestNames: ['Pierre Martin'], arrival: '2026-04-01', total: undefined }), request);
    assert.equal(r.reasons.length, 3);
  });

  describe('machine-readable verdicts and wrong folios', () => {
    it('codes every failure and sends a readable mismatch to review', () => {
      const r = validateFolio(folio({ guestNames: ['Pierre Martin'], arrival: '2026-03-01', total: undefined }), request);
      assert.deepEqual(r.codes, ['guest-mismatch', 'arrival-mismatch', 'total-missing']);
      assert.equal(r.remedy, 'review');
      assert.equal(namesAnotherGuestOrStay(r), true);
    });
    it('asks the hotel for the system PDF when an OCR-read scan cannot be validated', () => {
      const r = validateFolio(folio({ ocr: true, confidence: { ocr: 0.9 }, total: 401 }), request);
      assert.deepEqual([r.ok, r.codes, r.remedy], [false, ['total-inconsistent'], 'ask-hotel-for-system-pdf']);
      assert.equal(namesAnotherGuestOrStay(r), false);
    });
    it('passes an OCR-read scan only when every check passes and the OCR was confident', () => {
      assert.equal(validateFolio(folio({ ocr: true, confidence: { ocr: 0.88 } }), request).ok, true);
      const unsure = validateFolio(folio({ ocr: true, confidence: { ocr: 0.3 } }), request);
      assert.deepEqual([unsure.ok, unsure.codes, unsure.remedy], [false, ['ocr-low-confidence'], 'ask-hotel-for-system-pdf']);
    });
    it('asks for a readable PDF when the document is encrypted or not a PDF', () => {
      const r = validateFolio(folio({ unreadableReason: 'the PDF is password-protected (encrypted)', unreadableCode: 'encrypted' }), request);
      assert.equal(r.remedy, 'ask-hotel-for-readable-pdf');
    });
    it('resolves ambiguous day/month dates against the requested stay and says so', () => {
      // Printed 03/02/2026 – 03/05/2026 with nothing to tell the order: read day first, the other reading kept.
      const ambiguous = folio({ arrival: '2026-02-03', departure: '2026-05-03', alternativeStay: { arrival: '2026-03-02', departure: '2026-03-05', dateOrder: 'mdy' }, confidence: { arrival: 0.6, departure: 0.6 } });
      const r = validateFolio(ambiguous, request);
      assert.deepEqual([r.ok, r.dateOrderResolvedByStay], [true, true]);
      const resolved = resolveStayAgainstRequest(ambiguous, request);
      assert.deepEqual([resolved.arrival, resolved.departure, resolved.confidence.arrival], ['2026-03-02', '2026-03-05', 0.7]);
      assert.match(resolved.fieldSources!.arrival!, /month first as the requested stay shows/);
    });
    it('never accepts another stay, even with an alternative reading on the folio', () => {
      const ambiguous = folio({ arrival: '2026-02-03', departure: '2026-05-03', alternativeStay: { arrival: '2026-03-02', departure: '2026-03-05', dateOrder: 'mdy' } });
      for (const stay of [{ checkIn: '2026-03-09', checkOut: '2026-03-12' }, { checkIn: '2026-02-03', checkOut: '2026-02-06' }]) {
        const r = validateFolio(ambiguous, { ...request, ...stay });
        assert.equal(r.ok, false, JSON.stringify(stay));
        assert.ok(r.codes.includes('arrival-mismatch') || r.codes.includes('departure-mismatch'), r.codes.join());
      }
      assert.equal(validateFolio(folio(), { ...request, guest: { firstName: 'Pierre', lastName: 'Dubois' } }).ok, false);
    });
  });
});
