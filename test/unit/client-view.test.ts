// What a client key may see: event data by allowlist, extraction only once checked, hotels it may name.
import assert from 'node:assert/strict';
import { clientEventView, clientSeesExtraction, hotelVisibleTo } from '../../domain/client-view';
import { FOLIO_EVENT_TYPES } from '../../domain/events';
import { FolioStatus } from '../../domain/model';

describe('client view', () => {
  it('keeps vendor, thread and key ids out of every event type', () => {
    const data = { callId: 'call:h:1', callSid: 'CA1', batchId: 'email:h:2', emailId: 'e1', messageId: '<m@h>', documentId: 'd1', digits: '2w3', note: 'internal', reasons: ['confirmation number X differs'], by: 'operator:ops:0123456789abcdef' };
    for (const type of FOLIO_EVENT_TYPES) {
      const seen = JSON.stringify(clientEventView({ type, data }));
      for (const leak of ['call:h:1', 'CA1', 'email:h:2', 'e1"', '<m@h>', 'd1', '2w3', 'internal', 'differs', '0123456789abcdef']) assert.ok(!seen.includes(leak), `${type} shows ${leak}`);
    }
  });

  it('shows the listed facts, and who acted by role', () => {
    assert.deepEqual(clientEventView({ type: 'RetryScheduled', data: { at: 'T', reason: 'busy', callId: 'c' } }), { type: 'RetryScheduled', data: { at: 'T', reason: 'busy' } });
    assert.deepEqual(clientEventView({ type: 'ReviewApproved', data: { by: 'operator:ops:k1', note: 'n' } }), { type: 'ReviewApproved', data: { by: 'operator' } });
    assert.deepEqual(clientEventView({ type: 'EmailReceived', data: { messageId: 'm' } }), { type: 'EmailReceived' });
  });

  it('shows extracted data only for a completed folio', () => {
    assert.equal(clientSeesExtraction(FolioStatus.Completed), true);
    for (const s of [FolioStatus.NeedsReview, FolioStatus.Extracting, FolioStatus.NeedsAttention]) assert.equal(clientSeesExtraction(s), false);
  });

  it('lets a client name shared hotels and its own inline ones only', () => {
    assert.ok(hotelVisibleTo({ hotelId: 'grand-london' }, 'a'));
    assert.ok(hotelVisibleTo({ hotelId: 'hc-1', ownerClientId: 'a' }, 'a'));
    assert.equal(hotelVisibleTo({ hotelId: 'hc-2', ownerClientId: 'b' }, 'a'), false);
    assert.equal(hotelVisibleTo({ hotelId: 'h-0123' }, 'a'), false, 'an unvetted inline record from before');
  });
});
