// Calendar dates and durations: the helpers every other folder uses instead of writing them again.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addIsoDays, DAY_MS, HOUR_MS, isoDateOf, isoDaysBetween, MINUTE_MS } from '../../domain/calendar';

describe('calendar', () => {
  it('names the durations', () => {
    assert.equal(MINUTE_MS, 60_000);
    assert.equal(HOUR_MS, 3_600_000);
    assert.equal(DAY_MS, 86_400_000);
  });
  it('adds days across month, year and leap-day boundaries', () => {
    assert.equal(addIsoDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addIsoDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addIsoDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addIsoDays('2026-03-29', 0), '2026-03-29');
  });
  it('refuses what is not a calendar date, naming it', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-1', 'tomorrow']) assert.throws(() => addIsoDays(bad, 1), new RegExp(`"${bad}" is not a calendar date`));
  });
  it('counts whole days between dates, and NaN when either is not a date', () => {
    assert.equal(isoDaysBetween('2026-03-02', '2026-02-27'), 3);
    assert.equal(isoDaysBetween('2026-02-27', '2026-03-02'), -3);
    assert.ok(Number.isNaN(isoDaysBetween('2026-02-30', '2026-02-28')));
  });
  it('gives the UTC date of an instant', () => {
    assert.equal(isoDateOf(Date.parse('2026-12-31T23:59:59.999Z')), '2026-12-31');
    assert.equal(isoDateOf(Date.parse('2027-01-01T00:00:00Z')), '2027-01-01');
  });
  it('adding n days and counting them back agree', () => {
    const day = fc.integer({ min: 0, max: 20_000 }).map((d) => isoDateOf(Date.UTC(1990, 0, 1) + d * DAY_MS));
    fc.assert(
      fc.property(day, fc.integer({ min: -800, max: 800 }), (d, n) => {
        assert.equal(isoDaysBetween(addIsoDays(d, n), d), n);
        assert.equal(addIsoDays(d, n), isoDateOf(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS));
      }),
      { numRuns: 300 },
    );
  });
});
