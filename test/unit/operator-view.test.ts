// The operator's view of a folio in the Web UI: initials only, and the details say what happens next.
import assert from 'node:assert/strict';
import { folioDetails, folioSummary } from '../../domain/operator-view';

describe('operator view (Web UI metadata)', () => {
  it('summarises a folio by guest initials, hotel and check-out', () => {
    assert.equal(folioSummary({ guest: { firstName: 'ada', lastName: 'Lovelace', additionalNames: [] }, hotelId: 'h-1', checkOut: '2026-11-28' }), 'A.L. · h-1 · check-out 2026-11-28');
    assert.equal(folioSummary({ guest: { firstName: 'Émile', lastName: ' Zola', additionalNames: [] }, hotelId: 'h-2', checkOut: '2026-01-02' }), 'É.Z. · h-2 · check-out 2026-01-02');
  });

  it('details the status, the next action and when, the last outcome and what needs a person', () => {
    const d = folioDetails({ status: 'NeedsAttention', nextAction: 'an operator confirms the booking', nextActionAt: '2026-11-30T09:00:00.000Z', lastOutcome: 'no_such_booking', attention: 'the hotel has no such booking' });
    assert.equal(d, '**Status:** NeedsAttention\n\n**Next:** an operator confirms the booking at 2026-11-30T09:00:00.000Z\n\n**Last outcome:** no_such_booking\n\n**Needs attention:** the hotel has no such booking');
    assert.equal(folioDetails({ status: 'Completed' }), '**Status:** Completed');
  });
});
