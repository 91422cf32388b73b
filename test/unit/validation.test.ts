import assert from 'node:assert/strict';
import type { FolioData } from '../../domain/model';
import { validateFolio, type FolioCheck } from '../../domain/validation';

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
    assert.deepEqual(validateFolio(folio(), request), { ok: true, reasons: [] });
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
    assert.deepEqual(r, { ok: false, reasons: ['the document could not be read: no text layer (image-only scan) and no OCR configured'] });
  });
  it('lists every problem at once', () => {
    const r = validateFolio(folio({ guestNames: ['Pierre Martin'], arrival: '2026-04-01', total: undefined }), request);
    assert.equal(r.reasons.length, 3);
  });
});
