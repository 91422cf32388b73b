// The retention rules on their own: when a period is over, and when a folio still needs what it holds.
import assert from 'node:assert/strict';
import { DAY_MS } from '../../domain/calendar';
import { FolioStatus } from '../../domain/model';
import { folioStillNeeded, RETENTION_CATEGORIES, retentionCutoff } from '../../domain/retention';

describe('retention rules', () => {
  const now = new Date('2026-06-01T03:17:00Z');
  const cutoff = retentionCutoff(now, 180);

  it('a period ends that many days before now', () => {
    assert.equal(cutoff.toISOString(), new Date(now.getTime() - 180 * DAY_MS).toISOString());
  });

  it('an open folio, one waiting for a person, and one ended within the period keep what they hold', () => {
    const longAgo = new Date(cutoff.getTime() - DAY_MS);
    for (const status of [FolioStatus.WaitingForCheckout, FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.AwaitingEmail]) {
      assert.equal(folioStillNeeded({ status, updatedAt: longAgo }, cutoff), true, status);
    }
    assert.equal(folioStillNeeded({ status: FolioStatus.Completed, updatedAt: new Date(cutoff.getTime() + 1) }, cutoff), true);
  });

  it('a folio that ended before the period, or has no record, holds nothing back', () => {
    for (const status of [FolioStatus.Completed, FolioStatus.Unobtainable, FolioStatus.Cancelled]) {
      assert.equal(folioStillNeeded({ status, updatedAt: new Date(cutoff.getTime() - 1) }, cutoff), false, status);
    }
    assert.equal(folioStillNeeded(undefined, cutoff), false);
  });

  it('what holds documents is purged before the documents', () => {
    const at = (c: (typeof RETENTION_CATEGORIES)[number]) => RETENTION_CATEGORIES.indexOf(c);
    for (const holder of ['inboxMessages', 'unmatchedMessages'] as const) assert.ok(at(holder) < at('documents'), holder);
  });
});
