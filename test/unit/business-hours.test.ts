import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addBusinessDays,
  checkoutDueAt,
  isOpenAt,
  localDate,
  localHour,
  localToMs,
  nextOpenAt,
  parseLocalDate,
  type Schedule,
} from '../../domain/business-hours';
import type { BusinessHours, Weekday } from '../../domain/schemas';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function everyDay(open: string, close: string): BusinessHours {
  return Object.fromEntries(WEEK.map((d) => [d, [{ open, close }]]));
}
const schedule = (timeZone: string, businessHours: BusinessHours, closedDates: string[] = []): Schedule => ({ timeZone, businessHours, closedDates });
const OFFICE: BusinessHours = { mon: [{ open: '08:00', close: '20:00' }], tue: [{ open: '08:00', close: '20:00' }], wed: [{ open: '08:00', close: '20:00' }], thu: [{ open: '08:00', close: '20:00' }], fri: [{ open: '08:00', close: '20:00' }] };

describe('business hours', () => {
  describe('local time in the hotel zone', () => {
    it('reads date and hour in a half-hour zone without DST (Asia/Kolkata, +05:30)', () => {
      assert.equal(localDate('Asia/Kolkata', at('2026-06-15T18:29:00Z')), '2026-06-15');
      assert.equal(localHour('Asia/Kolkata', at('2026-06-15T18:29:00Z')), 23);
      assert.equal(localDate('Asia/Kolkata', at('2026-06-15T18:30:00Z')), '2026-06-16');
      assert.equal(localHour('Asia/Kolkata', at('2026-06-15T18:30:00Z')), 0);
    });
    it('moves a wall time inside a spring-forward gap forward by the size of the gap', () => {
      assert.equal(localToMs('America/New_York', parseLocalDate('2026-03-08'), 2.5 * HOUR), at('2026-03-08T07:30:00Z')); // 03:30 EDT
      assert.equal(localToMs('Europe/London', parseLocalDate('2026-03-29'), 1.5 * HOUR), at('2026-03-29T01:30:00Z')); // 02:30 BST
      assert.equal(localToMs('Pacific/Auckland', parseLocalDate('2026-09-27'), 2.5 * HOUR), at('2026-09-26T14:30:00Z')); // 03:30 NZDT
    });
    it('takes the first occurrence of a wall time repeated by a fall-back', () => {
      assert.equal(localToMs('America/New_York', parseLocalDate('2026-11-01'), 1.5 * HOUR), at('2026-11-01T05:30:00Z')); // 01:30 EDT
      assert.equal(localToMs('Europe/London', parseLocalDate('2026-10-25'), 1.5 * HOUR), at('2026-10-25T00:30:00Z')); // 01:30 BST
      assert.equal(localToMs('Pacific/Auckland', parseLocalDate('2026-04-05'), 2.5 * HOUR), at('2026-04-04T13:30:00Z')); // 02:30 NZDT
    });
    it('rejects unknown zones and impossible dates with a clear error', () => {
      assert.throws(() => localDate('Mars/Olympus', 0), /unknown time zone "Mars\/Olympus"/);
      assert.throws(() => parseLocalDate('2026-02-30'), /"2026-02-30" is not a calendar date/);
      assert.throws(() => localHour('UTC', Number.NaN), /finite/);
    });
  });

  describe('isOpenAt', () => {
    const ny = schedule('America/New_York', OFFICE);
    it('is open from the opening minute up to, not including, the closing minute', () => {
      assert.equal(isOpenAt(ny, at('2026-12-07T12:59:59Z')), false); // Mon 07:59:59 EST
      assert.equal(isOpenAt(ny, at('2026-12-07T13:00:00Z')), true);
      assert.equal(isOpenAt(ny, at('2026-12-08T00:59:59Z')), true); // Mon 19:59:59
      assert.equal(isOpenAt(ny, at('2026-12-08T01:00:00Z')), false);
    });
    it('treats a missing weekday as closed', () => {
      assert.equal(isOpenAt(ny, at('2026-12-05T17:00:00Z')), false); // Saturday noon
    });
    it('follows a span that crosses midnight into the next day', () => {
      const bar = schedule('Europe/London', { fri: [{ open: '22:00', close: '02:00' }] });
      assert.equal(isOpenAt(bar, at('2026-12-04T21:59:00Z')), false);
      assert.equal(isOpenAt(bar, at('2026-12-05T01:00:00Z')), true); // Saturday 01:00, Friday's span
      assert.equal(isOpenAt(bar, at('2026-12-05T02:00:00Z')), false);
    });
    it('counts a fall-back night as 25 hours of a day open 00:00–24:00', () => {
      const allSunday = schedule('America/New_York', { sun: [{ open: '00:00', close: '24:00' }] });
      assert.equal(isOpenAt(allSunday, at('2026-11-01T04:00:00Z')), true); // 00:00 EDT
      assert.equal(isOpenAt(allSunday, at('2026-11-02T04:59:59Z')), true); // 23:59:59 EST
      assert.equal(isOpenAt(allSunday, at('2026-11-02T05:00:00Z')), false); // Monday
    });
  });

  describe('nextOpenAt', () => {
    const ny = schedule('America/New_York', OFFICE);
    it('returns the moment itself when open with at least 15 minutes left', () => {
      const t = at('2026-12-07T15:00:00Z');
      assert.equal(nextOpenAt(ny, t), t);
      assert.equal(nextOpenAt(ny, at('2026-12-08T00:45:00Z')), at('2026-12-08T00:45:00Z')); // exactly 15 left
    });
    it('moves to the next opening when fewer minutes remain than asked for', () => {
      assert.equal(nextOpenAt(ny, at('2026-12-08T00:46:00Z')), at('2026-12-08T13:00:00Z'));
      assert.equal(nextOpenAt(ny, at('2026-12-07T18:00:00Z'), 8 * 60), at('2026-12-08T13:00:00Z'));
      assert.equal(nextOpenAt(ny, at('2026-12-08T00:59:00Z'), 0), at('2026-12-08T00:59:00Z'));
    });
    it('skips the weekend', () => {
      assert.equal(nextOpenAt(ny, at('2026-12-05T17:00:00Z')), at('2026-12-07T13:00:00Z'));
    });
    it('skips a closed date (Christmas on a Friday) to the next open day', () => {
      const s = schedule('America/New_York', OFFICE, ['2026-12-25']);
      assert.equal(nextOpenAt(s, at('2026-12-25T01:30:00Z')), at('2026-12-28T13:00:00Z')); // Thu 20:30 → Mon 08:00
    });
    it('lets a span that began the day before run on into a closed date', () => {
      const s = schedule('Europe/London', { fri: [{ open: '22:00', close: '02:00' }], sat: [{ open: '22:00', close: '02:00' }] }, ['2026-12-05']);
      assert.equal(isOpenAt(s, at('2026-12-05T01:00:00Z')), true);
      assert.equal(isOpenAt(s, at('2026-12-05T23:00:00Z')), false);
      assert.equal(nextOpenAt(s, at('2026-12-05T03:00:00Z')), at('2026-12-11T22:00:00Z'));
    });
    it('sees through midnight when a day open to 24:00 meets one open from 00:00', () => {
      const s = schedule('Europe/London', { mon: [{ open: '18:00', close: '24:00' }], tue: [{ open: '00:00', close: '06:00' }] });
      const t = at('2026-12-07T23:55:00Z');
      assert.equal(nextOpenAt(s, t), t);
    });
    it('skips a span shorter than the minutes asked for', () => {
      const s = schedule('Europe/London', { mon: [{ open: '12:00', close: '12:10' }, { open: '15:00', close: '16:00' }] });
      assert.equal(nextOpenAt(s, at('2026-12-07T09:00:00Z')), at('2026-12-07T15:00:00Z'));
      assert.equal(nextOpenAt(s, at('2026-12-07T09:00:00Z'), 5), at('2026-12-07T12:00:00Z'));
    });
    it('is undefined for a week with no opening at all, or when nothing opens within 14 days', () => {
      assert.equal(nextOpenAt(schedule('Europe/London', {}), at('2026-12-07T09:00:00Z')), undefined);
      assert.equal(nextOpenAt(schedule('Europe/London', { mon: [] }), at('2026-12-07T09:00:00Z')), undefined);
      const mondays = schedule('Europe/London', { mon: [{ open: '09:00', close: '17:00' }] }, ['2026-12-14', '2026-12-21']);
      assert.equal(nextOpenAt(mondays, at('2026-12-07T18:00:00Z')), undefined); // next open Monday is the 28th
      assert.equal(nextOpenAt({ ...mondays, closedDates: ['2026-12-14'] }, at('2026-12-07T18:00:00Z')), at('2026-12-21T09:00:00Z'));
    });
    it('rejects a negative minimum and a malformed span', () => {
      assert.throws(() => nextOpenAt(ny, 0, -1), /minRemainingMinutes/);
      assert.throws(() => nextOpenAt(schedule('UTC', { mon: [{ open: '9:00', close: '17:00' }] }), 0), /"9:00" is not a time of day/);
    });

    describe('across the DST switches of 2026', () => {
      const cases: { zone: string; name: string; from: string; open: string; expect: string }[] = [
        { zone: 'America/New_York', name: 'New York spring forward: 02:30 does not exist, opens 03:30 EDT', from: '2026-03-08T05:00:00Z', open: '02:30', expect: '2026-03-08T07:30:00Z' },
        { zone: 'America/New_York', name: 'New York spring forward: 08:00 is EDT (-04:00)', from: '2026-03-08T05:00:00Z', open: '08:00', expect: '2026-03-08T12:00:00Z' },
        { zone: 'America/New_York', name: 'New York fall back: 01:30 happens twice, first (EDT) wins', from: '2026-11-01T04:00:00Z', open: '01:30', expect: '2026-11-01T05:30:00Z' },
        { zone: 'America/New_York', name: 'New York fall back: 08:00 is EST (-05:00)', from: '2026-11-01T04:00:00Z', open: '08:00', expect: '2026-11-01T13:00:00Z' },
        { zone: 'Europe/London', name: 'London spring forward: 01:30 does not exist, opens 02:30 BST', from: '2026-03-29T00:00:00Z', open: '01:30', expect: '2026-03-29T01:30:00Z' },
        { zone: 'Europe/London', name: 'London spring forward: 09:00 is BST', from: '2026-03-29T00:00:00Z', open: '09:00', expect: '2026-03-29T08:00:00Z' },
        { zone: 'Europe/London', name: 'London fall back: 01:30 happens twice, first (BST) wins', from: '2026-10-24T23:00:00Z', open: '01:30', expect: '2026-10-25T00:30:00Z' },
        { zone: 'Europe/London', name: 'London fall back: 09:00 is GMT', from: '2026-10-24T23:00:00Z', open: '09:00', expect: '2026-10-25T09:00:00Z' },
        { zone: 'Pacific/Auckland', name: 'Auckland fall back (April): 02:30 happens twice, first (NZDT) wins', from: '2026-04-04T11:00:00Z', open: '02:30', expect: '2026-04-04T13:30:00Z' },
        { zone: 'Pacific/Auckland', name: 'Auckland fall back (April): 09:00 is NZST (+12)', from: '2026-04-04T11:00:00Z', open: '09:00', expect: '2026-04-04T21:00:00Z' },
        { zone: 'Pacific/Auckland', name: 'Auckland spring forward (September): 02:30 does not exist, opens 03:30 NZDT', from: '2026-09-26T11:00:00Z', open: '02:30', expect: '2026-09-26T14:30:00Z' },
        { zone: 'Pacific/Auckland', name: 'Auckland spring forward (September): 09:00 is NZDT (+13)', from: '2026-09-26T11:00:00Z', open: '09:00', expect: '2026-09-26T20:00:00Z' },
        { zone: 'Asia/Kolkata', name: 'Kolkata, no DST: 09:00 is 03:30 UTC all year', from: '2026-03-29T00:00:00Z', open: '09:00', expect: '2026-03-29T03:30:00Z' },
      ];
      for (const c of cases) {
        it(c.name, () => {
          const s = schedule(c.zone, everyDay(c.open, '18:00'));
          assert.equal(new Date(nextOpenAt(s, at(c.from))!).toISOString(), new Date(at(c.expect)).toISOString());
          assert.equal(isOpenAt(s, at(c.expect)), true);
          assert.equal(isOpenAt(s, at(c.expect) - 1), false);
        });
      }
      it('a span lying wholly in a spring-forward gap is not there at all', () => {
        const s = schedule('America/New_York', { sun: [{ open: '02:10', close: '02:40' }, { open: '10:00', close: '11:00' }] });
        assert.equal(nextOpenAt(s, at('2026-03-08T05:00:00Z')), at('2026-03-08T07:10:00Z')); // both ends move forward an hour
        const swallowed = schedule('America/New_York', { sun: [{ open: '02:30', close: '03:00' }, { open: '10:00', close: '11:00' }] });
        assert.equal(nextOpenAt(swallowed, at('2026-03-08T05:00:00Z')), at('2026-03-08T14:00:00Z'));
      });
    });
  });

  describe('checkoutDueAt', () => {
    it('is noon on the checkout date in the hotel zone, plus the grace hours', () => {
      assert.equal(checkoutDueAt('2026-12-07', 'America/New_York', 0), at('2026-12-07T17:00:00Z'));
      assert.equal(checkoutDueAt('2026-12-07', 'America/New_York', 6), at('2026-12-07T23:00:00Z'));
      assert.equal(checkoutDueAt('2026-12-07', 'Asia/Kolkata', 2, '11:00'), at('2026-12-07T07:30:00Z'));
      assert.equal(checkoutDueAt('2026-07-01', 'Europe/London', 0), at('2026-07-01T11:00:00Z'));
    });
    it('counts grace hours as elapsed time, across a DST switch too', () => {
      assert.equal(checkoutDueAt('2026-03-07', 'America/New_York', 24), at('2026-03-08T17:00:00Z')); // 13:00 EDT
    });
    it('rejects bad dates, times, zones and grace', () => {
      assert.throws(() => checkoutDueAt('2026-13-01', 'UTC', 0), /not a calendar date/);
      assert.throws(() => checkoutDueAt('2026-12-01', 'UTC', 0, '25:00'), /not a time of day/);
      assert.throws(() => checkoutDueAt('2026-12-01', 'Nowhere/City', 0), /unknown time zone/);
      assert.throws(() => checkoutDueAt('2026-12-01', 'UTC', -1), /graceHours/);
    });
  });

  describe('addBusinessDays', () => {
    const ny = schedule('America/New_York', OFFICE, ['2026-12-25']);
    it('skips days without opening hours and lands at the same local time', () => {
      assert.equal(addBusinessDays(ny, at('2026-12-04T15:30:00Z'), 1), at('2026-12-07T15:30:00Z')); // Fri → Mon 10:30
      assert.equal(addBusinessDays(ny, at('2026-12-05T15:30:00Z'), 1), at('2026-12-07T15:30:00Z')); // Sat → Mon
      assert.equal(addBusinessDays(ny, at('2026-12-07T15:30:00Z'), 5), at('2026-12-14T15:30:00Z'));
    });
    it('skips closed dates', () => {
      assert.equal(addBusinessDays(ny, at('2026-12-24T15:30:00Z'), 1), at('2026-12-28T15:30:00Z'));
    });
    it('keeps the local time across a DST switch', () => {
      assert.equal(addBusinessDays(ny, at('2026-03-06T15:00:00Z'), 1), at('2026-03-09T14:00:00Z')); // Fri 10:00 EST → Mon 10:00 EDT
      const london = schedule('Europe/London', everyDay('09:00', '17:00'));
      assert.equal(addBusinessDays(london, at('2026-10-24T10:00:00Z'), 1), at('2026-10-25T11:00:00Z')); // 11:00 BST → 11:00 GMT
    });
    it('returns the moment itself for zero days and refuses negative or fractional days', () => {
      assert.equal(addBusinessDays(ny, 1_800_000_000_123, 0), 1_800_000_000_123);
      assert.throws(() => addBusinessDays(ny, 0, -1), /non-negative integer/);
      assert.throws(() => addBusinessDays(ny, 0, 1.5), /non-negative integer/);
    });
    it('counts calendar days (less closed dates) for a hotel with no opening hours, so the SLA still has a deadline', () => {
      const none = schedule('UTC', { sat: [] }, ['2026-12-06']);
      assert.equal(addBusinessDays(none, at('2026-12-04T10:00:00Z'), 2), at('2026-12-07T10:00:00Z'));
    });
    it('fails clearly when a year of closed dates leaves no business day', () => {
      const closedYear = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2026, 11, 5 + i)).toISOString().slice(0, 10));
      assert.throws(() => addBusinessDays(schedule('UTC', OFFICE, closedYear), at('2026-12-04T10:00:00Z'), 1), /no business day within a year/);
    });
  });

  describe('properties', () => {
    const zones = ['Pacific/Auckland', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'UTC'];
    const clock = fc.integer({ min: 0, max: 96 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
    const hours = fc.dictionary(fc.constantFrom(...WEEK), fc.array(fc.record({ open: clock, close: clock }), { maxLength: 2 })) as fc.Arbitrary<BusinessHours>;
    const day2026 = fc.integer({ min: 0, max: 364 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10));
    const scheduleArb = fc.record({ timeZone: fc.constantFrom(...zones), businessHours: hours, closedDates: fc.array(day2026, { maxLength: 20 }) });
    const instant = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z') });

    it('nextOpenAt gives a moment within 14 days that is open for the minutes asked for, or undefined', () => {
      fc.assert(
        fc.property(scheduleArb, instant, fc.integer({ min: 0, max: 120 }), (s, from, minutes) => {
          const r = nextOpenAt(s, from, minutes);
          if (r === undefined) return;
          assert.ok(r >= from && r <= from + 14 * DAY);
          assert.equal(isOpenAt(s, r), true);
          if (minutes > 0) assert.equal(isOpenAt(s, r + minutes * MIN - 1), true);
        }),
        { numRuns: 150 },
      );
    });
    it('with no minimum, nextOpenAt is the moment itself exactly when open, else the start of an opening', () => {
      fc.assert(
        fc.property(scheduleArb, instant, (s, from) => {
          const r = nextOpenAt(s, from, 0);
          assert.equal(r === from, isOpenAt(s, from));
          if (r !== undefined && r > from) {
            assert.equal(isOpenAt(s, r - 1), false);
            assert.equal(isOpenAt(s, Math.floor((from + r) / 2)), false);
          }
        }),
        { numRuns: 150 },
      );
    });
    it('addBusinessDays keeps the local date order and lands on a business day', () => {
      fc.assert(
        fc.property(scheduleArb, instant, fc.integer({ min: 1, max: 10 }), (s, from, n) => {
          if (!WEEK.some((d) => (s.businessHours[d]?.length ?? 0) > 0)) return;
          const r = addBusinessDays(s, from, n);
          assert.ok(localDate(s.timeZone, r) > localDate(s.timeZone, from));
          assert.ok(!s.closedDates.includes(localDate(s.timeZone, r)));
        }),
        { numRuns: 100 },
      );
    });
  });
});
