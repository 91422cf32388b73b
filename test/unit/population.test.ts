// The sandbox population: the same seed gives the same hotels, and a large sample follows the documented rates.
import assert from 'node:assert/strict';
import { HotelConfig } from '../../domain/schemas';
import { PHONE_PROFILES } from '../../sandbox/profiles/phone';
import { clientFormHours, drawLine, generatePopulation, guestTruth, phoneAnswer, PLACES, prng, RATES, writtenAnswer } from '../../sandbox/population';

const share = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length / xs.length;
const stanceRate = (s: string) => RATES.stance.find(([k]) => k === s)![1];

describe('sandbox population', () => {
  it('is deterministic from the seed, and hotel i does not depend on the population size', () => {
    const a = generatePopulation(42, 200);
    const b = generatePopulation(42, 200);
    assert.deepEqual(a, b);
    assert.deepEqual(generatePopulation(42, 50), a.slice(0, 50));
    const c = generatePopulation(43, 200);
    assert.notDeepEqual(a.map((h) => h.config.phone), c.map((h) => h.config.phone));
  });

  it('every hotel is a valid configuration with a known phone profile and a unique id', () => {
    const hotels = generatePopulation(7, 500);
    for (const h of hotels) {
      assert.deepEqual(HotelConfig.parse(h.config), h.config);
      assert.ok(PHONE_PROFILES[h.config.sandboxProfile!], h.config.sandboxProfile);
      const l = h.behaviour.line;
      assert.ok(Math.abs(l.answered + l.noAnswer + l.voicemail + l.busy + l.fax - 1) < 1e-9);
    }
    assert.equal(new Set(hotels.map((h) => h.config.hotelId)).size, hotels.length);
  });

  it('a large sample follows the documented distribution (within tolerance)', () => {
    const hotels = generatePopulation(2026, 5000);
    const tol = 0.025;
    const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < tol, `${what}: ${actual.toFixed(3)} vs ${expected}`);
    near(share(hotels, (h) => h.config.channelPreference === 'email-only'), 0.12, 'email-only');
    near(share(hotels, (h) => !!h.behaviour.ivr), RATES.ivr * (1 - RATES.faxLine), 'ivr');
    for (const stance of ['agree', 'written_only', 'auth_form', 'sent_to_guest']) near(share(hotels, (h) => h.behaviour.stance === stance), stanceRate(stance), stance);
    near(share(hotels, (h) => h.behaviour.inbox === 'silent'), 0.2, 'silent inbox');
    const w = (f: (p: (typeof PLACES)[number]) => boolean) => PLACES.filter(f).reduce((s, p) => s + p.weight, 0);
    near(share(hotels, (h) => h.config.timeZone.startsWith('America/')), w((p) => p.timeZone.startsWith('America/')) / w(() => true), 'americas');
    assert.ok(new Set(hotels.map((h) => h.config.language)).size >= 6, 'several languages');
    // call attempts: about 40 % reach no one
    const rng = prng(1);
    const outcomes = hotels.flatMap((h) => Array.from({ length: 4 }, () => drawLine(h.behaviour, rng)));
    near(share(outcomes, (o) => o !== 'answered' && o !== 'fax'), RATES.unansweredShareMean * (1 - RATES.faxLine), 'unanswered attempts');
    near(share(outcomes, (o) => o === 'voicemail'), 0.4 * 0.3 * (1 - RATES.faxLine), 'voicemail');
  });

  it("a guest's truth is decided once: the same on every call and in writing, and a hotel without the booking never sends a folio", () => {
    const hotels = generatePopulation(5, 300);
    let noBooking = 0;
    for (const [i, h] of hotels.entries()) {
      const t = guestTruth(h.behaviour, 5, `folio-${i}`);
      assert.deepEqual(guestTruth(h.behaviour, 5, `folio-${i}`), t);
      const rng = prng(i + 1);
      const said = Array.from({ length: 6 }, () => phoneAnswer(h.behaviour, t, { callbackAsked: true }, rng).kind);
      if (!t.hasBooking) {
        noBooking++;
        assert.ok(said.every((k) => k === 'no_such_booking'), `${h.config.hotelId}: ${said.join(',')}`);
        assert.equal(writtenAnswer(t), 'no_booking');
        assert.equal(t.obtainable, false);
      } else if (t.stance === 'refuse' || t.stance === 'auth_form') {
        assert.ok(!said.includes('agreed'), `${t.stance} never agrees: ${said.join(',')}`);
        assert.notEqual(writtenAnswer(t), 'folio');
      }
    }
    // every hotel of the sample is asked once, so about 2 % have no such booking
    assert.ok(noBooking > 0 && noBooking < 20, `no such booking: ${noBooking}`);
  });

  it('clients asked for a signed form: most upload within a day, some after days, some never; decided once per guest', () => {
    const hours = Array.from({ length: 5000 }, (_, i) => clientFormHours(3, `folio-${i}`));
    assert.deepEqual(Array.from({ length: 50 }, (_, i) => clientFormHours(3, `folio-${i}`)), hours.slice(0, 50));
    const never = share(hours, (h) => h === undefined);
    const withinDay = share(hours, (h) => h !== undefined && h <= 24);
    assert.ok(Math.abs(never - (1 - RATES.clientForm.withinHours - RATES.clientForm.withinDays)) < 0.025, `never: ${never}`);
    // the log-normal tail of the prompt ones passes a day now and then; the "after days" ones never arrive within one
    assert.ok(withinDay > RATES.clientForm.withinHours - 0.03 && withinDay < RATES.clientForm.withinHours + 0.025, `within a day: ${withinDay}`);
    assert.ok(hours.every((h) => h === undefined || (h > 0 && h <= RATES.clientFormDaysHours[1])));
  });

  it('a hotel that asks for the signed form says so on every call until the form reached it; then it sends the folio', () => {
    const h = generatePopulation(9, 400).find((x) => x.behaviour.stance === 'auth_form')!;
    const b = { ...h.behaviour, stanceConsistency: 1, noSuchBooking: 0 };
    const t = guestTruth(b, 9, 'folio-form');
    const rng = prng(4);
    const before = Array.from({ length: 20 }, () => phoneAnswer(b, t, { callbackAsked: false }, rng).kind);
    assert.ok(before.includes('authorization_required') && before.every((k) => k === 'authorization_required' || k === 'no_such_booking'), `a mishearing aside, the staff asks for the form: ${before.join(',')}`);
    assert.equal(writtenAnswer(t), 'auth_form');
    const after = Array.from({ length: 20 }, () => phoneAnswer(b, t, { callbackAsked: false, formReceived: true }, rng).kind);
    assert.ok(after.includes('agreed') && !after.includes('authorization_required'), after.join(','));
    assert.equal(writtenAnswer(t, { formReceived: true }), 'folio');
  });

  it('rejects a bad seed or size with a clear error', () => {
    assert.throws(() => generatePopulation(-1, 10), /seed must be/);
    assert.throws(() => generatePopulation(1, 0), /count must be/);
    assert.throws(() => generatePopulation(1.5, 10), /seed must be/);
  });
});
