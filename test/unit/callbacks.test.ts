import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isOpenAt, type Schedule } from '../../domain/business-hours';
import { resolveCallback, type CallbackResolution } from '../../domain/callbacks';
import WORDS from '../../domain/callback-words.json';
import { DEFAULT_BUSINESS_HOURS, Language, type BusinessHours } from '../../domain/schemas';

const ALWAYS: BusinessHours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
const BERLIN = 'Europe/Berlin';
const open24 = (timeZone = BERLIN): Schedule => ({ timeZone, businessHours: ALWAYS, closedDates: [] });
const office = (timeZone = BERLIN, closedDates: string[] = []): Schedule => ({ timeZone, businessHours: DEFAULT_BUSINESS_HOURS, closedDates });
/** Hotel-local wall time → epoch ms, for expectations. */
const local = (wall: string, zone = BERLIN) => DateTime.fromISO(wall, { zone }).toMillis();
const wallOf = (ms: number, zone = BERLIN) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

function ok(r: CallbackResolution): Extract<CallbackResolution, { ok: true }> {
  if (!r.ok) assert.fail(`expected ok, got error: ${r.error}`);
  return r;
}
function failed(r: CallbackResolution): string {
  if (r.ok) assert.fail(`expected an error, got ${wallOf(r.atMs)} (${r.interpretation})`);
  return r.error;
}

// Wednesday 2026-12-02, 11:15 in Berlin.
const NOW = local('2026-12-02T11:15');

describe('callbacks', () => {
  describe('phrases (a hotel open around the clock, so nothing is clamped)', () => {
    const cases: [Language, string, string][] = [
      ['en', 'tomorrow', '2026-12-03T09:00'],
      ['en', 'tomorrow after 10', '2026-12-03T10:00'],
      ['en', 'tomorrow at 10:30', '2026-12-03T10:30'],
      ['en', 'Tomorrow morning.', '2026-12-03T09:00'],
      ['en', 'tomorrow afternoon', '2026-12-03T14:00'],
      ['en', 'tomorrow evening', '2026-12-03T18:00'],
      ['en', 'in two hours', '2026-12-02T13:15'],
      ['en', 'in 2 hours', '2026-12-02T13:15'],
      ['en', 'in 30 minutes', '2026-12-02T11:45'],
      ['en', 'in an hour', '2026-12-02T12:15'],
      ['en', 'in half an hour', '2026-12-02T11:45'],
      ['en', 'later today', '2026-12-02T13:15'],
      ['en', 'this afternoon', '2026-12-02T14:00'],
      ['en', 'Monday morning', '2026-12-07T09:00'],
      ['en', 'next Tuesday at 3pm', '2026-12-08T15:00'],
      ['en', 'next week', '2026-12-07T09:00'],
      ['en', 'in 3 days', '2026-12-05T09:00'],
      ['en', 'Wednesday', '2026-12-09T09:00'], // a bare weekday is its next occurrence, never today
      ['en', 'day after tomorrow', '2026-12-04T09:00'],
      ['en', 'at 3', '2026-12-02T15:00'], // 1–6 without am/pm means the afternoon
      ['en', 'at 10', '2026-12-03T10:00'], // already past today: tomorrow
      ['en', 'please call back at noon', '2026-12-02T12:00'],
      ['en', "10 o'clock tomorrow", '2026-12-03T10:00'],
      ['en', '3 p.m. on Friday', '2026-12-04T15:00'],
      ['en', 'tomorrow at 8 in the evening', '2026-12-03T20:00'],
      ['en', 'in 2 weeks', '2026-12-16T09:00'],
      ['de', 'morgen nach 10 Uhr', '2026-12-03T10:00'],
      ['de', 'morgen Vormittag', '2026-12-03T09:00'],
      ['de', 'in zwei Stunden', '2026-12-02T13:15'],
      ['de', 'Montag früh', '2026-12-07T09:00'],
      ['de', 'heute Nachmittag', '2026-12-02T14:00'],
      ['de', 'übermorgen um 14:30 Uhr', '2026-12-04T14:30'],
      ['de', 'nächste Woche', '2026-12-07T09:00'],
      ['de', 'in drei Tagen', '2026-12-05T09:00'],
      ['de', 'am Freitag um 9', '2026-12-04T09:00'],
      ['de', 'in einer halben Stunde', '2026-12-02T11:45'],
      ['de', 'morgen Abend', '2026-12-03T18:00'],
      ['fr', 'demain après 10h', '2026-12-03T10:00'],
      ['fr', 'demain matin', '2026-12-03T09:00'],
      ['fr', 'dans deux heures', '2026-12-02T13:15'],
      ['fr', 'lundi matin', '2026-12-07T09:00'],
      ['fr', 'cet après-midi', '2026-12-02T14:00'],
      ['fr', 'demain à 15h30', '2026-12-03T15:30'],
      ['fr', 'mardi prochain', '2026-12-08T09:00'],
      ['fr', 'la semaine prochaine', '2026-12-07T09:00'],
      ['fr', "aujourd'hui à 16h", '2026-12-02T16:00'],
      ['fr', 'dans une demi-heure', '2026-12-02T11:45'],
      ['es', 'mañana después de las 10', '2026-12-03T10:00'],
      ['es', 'mañana por la mañana', '2026-12-03T09:00'],
      ['es', 'en dos horas', '2026-12-02T13:15'],
      ['es', 'el lunes por la mañana', '2026-12-07T09:00'],
      ['es', 'esta tarde', '2026-12-02T14:00'],
      ['es', 'mañana a las 4 de la tarde', '2026-12-03T16:00'],
      ['es', 'el próximo martes', '2026-12-08T09:00'],
      ['es', 'dentro de tres días', '2026-12-05T09:00'],
      ['es', 'pasado mañana a la una', '2026-12-04T13:00'],
      ['es', 'en media hora', '2026-12-02T11:45'],
      ['it', 'domani dopo le 10', '2026-12-03T10:00'],
      ['it', 'domani mattina', '2026-12-03T09:00'],
      ['it', 'tra due ore', '2026-12-02T13:15'],
      ['it', 'lunedì mattina', '2026-12-07T09:00'],
      ['it', "all'una domani", '2026-12-03T13:00'],
      ['it', "tra mezz'ora", '2026-12-02T11:45'],
      ['it', 'la settimana prossima', '2026-12-07T09:00'],
      ['it', 'stasera', '2026-12-02T18:00'],
      ['pt', 'amanhã depois das 10', '2026-12-03T10:00'],
      ['pt', 'amanhã de manhã', '2026-12-03T09:00'],
      ['pt', 'daqui a duas horas', '2026-12-02T13:15'],
      ['pt', 'segunda-feira de manhã', '2026-12-07T09:00'],
      ['pt', 'na próxima terça às 15h', '2026-12-08T15:00'],
      ['pt', 'hoje à tarde', '2026-12-02T14:00'],
      ['pt', 'em 3 dias', '2026-12-05T09:00'],
      ['nl', 'morgen na 10 uur', '2026-12-03T10:00'],
      ['nl', 'morgenochtend', '2026-12-03T09:00'],
      ['nl', 'over twee uur', '2026-12-02T13:15'],
      ['nl', "maandag 's ochtends", '2026-12-07T09:00'],
      ['nl', 'vanmiddag', '2026-12-02T14:00'],
      ['nl', 'volgende week', '2026-12-07T09:00'],
      ['nl', 'dinsdag om 9 uur', '2026-12-08T09:00'],
      ['nl', 'over een half uur', '2026-12-02T11:45'],
      ['en', 'today', '2026-12-02T11:15'],
      ['de', 'heute', '2026-12-02T11:15'],
      ['fr', "aujourd'hui", '2026-12-02T11:15'],
      ['es', 'hoy', '2026-12-02T11:15'],
      ['de', 'später', '2026-12-02T13:15'],
      ['fr', 'plus tard', '2026-12-02T13:15'],
      ['es', 'más tarde', '2026-12-02T13:15'],
      ['en', 'tonight', '2026-12-02T18:00'],
      ['de', 'heute Abend', '2026-12-02T18:00'],
      ['fr', 'ce soir', '2026-12-02T18:00'],
      ['es', 'esta noche', '2026-12-02T18:00'],
      ['de', 'morgen Mittag', '2026-12-03T12:00'],
      ['fr', 'demain midi', '2026-12-03T12:00'],
      ['es', 'mañana al mediodía', '2026-12-03T12:00'],
      ['en', '10.30 tomorrow', '2026-12-03T10:30'],
      ['de', 'morgen um 15 Uhr', '2026-12-03T15:00'],
      ['fr', 'après-demain', '2026-12-04T09:00'],
      ['fr', 'lundi prochain', '2026-12-07T09:00'],
      ['fr', 'dans 3 jours', '2026-12-05T09:00'],
      ['es', 'la semana que viene', '2026-12-07T09:00'],
    ];
    for (const [language, phrase, expected] of cases) {
      it(`${language}: "${phrase}" → ${expected}`, () => {
        const r = ok(resolveCallback({ phrase }, NOW, open24(), language));
        assert.equal(wallOf(r.atMs), expected);
        assert.equal(r.clamped, false);
        assert.match(r.interpretation, new RegExp(expected.replace('T', ' ')));
      });
    }

    it('reads number words one to twelve in every language', () => {
      const sets: [string, string, string[]][] = [
        ['in', 'hours', ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve']],
        ['in', 'Stunden', ['eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf']],
        ['dans', 'heures', ['une', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze']],
        ['en', 'horas', ['una', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce']],
        ['tra', 'ore', ['una', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove', 'dieci', 'undici', 'dodici']],
        ['daqui a', 'horas', ['uma', 'duas', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove', 'dez', 'onze', 'doze']],
        ['over', 'uur', ['één', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen', 'tien', 'elf', 'twaalf']],
      ];
      for (const [prefix, unit, numbers] of sets) {
        numbers.forEach((word, i) => {
          const r = ok(resolveCallback({ phrase: `${prefix} ${word} ${unit}` }, NOW, open24()));
          assert.equal(r.atMs, NOW + (i + 1) * 3_600_000, `${prefix} ${word} ${unit}`);
        });
      }
    });

    it('"this afternoon" said during the afternoon means now', () => {
      const now = local('2026-12-02T15:20');
      assert.equal(ok(resolveCallback({ phrase: 'this afternoon' }, now, open24())).atMs, now);
    });
    it('a part of the day that is over today moves to tomorrow unless "today" was said', () => {
      const now = local('2026-12-02T15:20');
      assert.equal(wallOf(ok(resolveCallback({ phrase: 'in the morning' }, now, open24())).atMs), '2026-12-03T09:00');
      assert.match(failed(resolveCallback({ phrase: 'this morning' }, now, open24())), /"this morning": the morning is already over/);
    });
    it('understands a phrase whatever language the hotel speaks, trying its own first', () => {
      assert.equal(wallOf(ok(resolveCallback({ phrase: 'demain matin' }, NOW, open24(), 'en')).atMs), '2026-12-03T09:00');
      assert.equal(wallOf(ok(resolveCallback({ phrase: 'tomorrow at 11' }, NOW, open24(), 'it')).atMs), '2026-12-03T11:00');
      // "morgen" is tomorrow in German and in Dutch alike; the rest of the phrase decides which table reads it
      assert.equal(wallOf(ok(resolveCallback({ phrase: 'morgen om 10 uur' }, NOW, open24(), 'de')).atMs), '2026-12-03T10:00');
    });
    it('treats 02:30 on a spring-forward night as 03:30', () => {
      const ny = open24('America/New_York');
      const r = ok(resolveCallback({ phrase: 'tomorrow at 2:30 am' }, local('2026-03-07T12:00', 'America/New_York'), ny));
      assert.equal(new Date(r.atMs).toISOString(), '2026-03-08T07:30:00.000Z');
    });
  });

  describe('phrases that are refused', () => {
    const cases: [string, RegExp][] = [
      ['blah blah', /could not understand the callback phrase "blah blah"/],
      ['please', /could not understand/], // filler alone says nothing
      ['tomorrow in two hours', /could not understand/], // contradictory
      ['tomorrow Monday', /could not understand/],
      ['before 10', /could not understand/], // not guessed
      ['today at 10', /"today at 10" read as Wed 2026-12-02 10:00 Europe\/Berlin is in the past/],
      ['tomorrow at 25', /names no real time of day/],
      ['tomorrow at 13pm', /names no real time of day/],
    ];
    for (const [phrase, error] of cases) {
      it(`"${phrase}"`, () => assert.match(failed(resolveCallback({ phrase }, NOW, open24())), error));
    }
    it('needs either at or phrase', () => {
      assert.match(failed(resolveCallback({}, NOW, open24())), /either "at" \(ISO 8601\) or "phrase"/);
      assert.match(failed(resolveCallback({ phrase: '  ' }, NOW, open24())), /either/);
    });
  });

  describe('explicit times', () => {
    it('an ISO time with an offset is that instant', () => {
      const r = ok(resolveCallback({ at: '2026-12-03T10:00:00+05:30' }, NOW, open24()));
      assert.equal(r.atMs, Date.parse('2026-12-03T04:30:00Z'));
    });
    it('an ISO time without an offset is hotel-local', () => {
      const r = ok(resolveCallback({ at: '2026-12-03T10:00' }, NOW, open24('Asia/Kolkata')));
      assert.equal(r.atMs, Date.parse('2026-12-03T04:30:00Z'));
      assert.match(r.interpretation, /hotel-local Thu 2026-12-03 10:00 Asia\/Kolkata/);
    });
    it('a hotel-local time in a DST gap moves forward; a repeated one takes the first occurrence', () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      assert.equal(ok(resolveCallback({ at: '2026-03-29T01:30' }, now, open24('Europe/London'))).atMs, Date.parse('2026-03-29T01:30:00Z'));
      assert.equal(ok(resolveCallback({ at: '2026-10-25T01:30' }, now, open24('Europe/London'))).atMs, Date.parse('2026-10-25T00:30:00Z'));
    });
    it('wins over a phrase given alongside', () => {
      assert.equal(ok(resolveCallback({ at: '2026-12-03T10:00Z', phrase: 'next week' }, NOW, open24())).atMs, Date.parse('2026-12-03T10:00:00Z'));
    });
    it('refuses a time in the past, a malformed time and an impossible date', () => {
      assert.match(failed(resolveCallback({ at: '2026-12-02T09:00' }, NOW, open24())), /is in the past/);
      assert.match(failed(resolveCallback({ at: 'tomorrow' }, NOW, open24())), /not an ISO 8601 date and time/);
      assert.match(failed(resolveCallback({ at: '2026-12-03' }, NOW, open24())), /not an ISO 8601 date and time/);
      assert.match(failed(resolveCallback({ at: '2026-02-30T10:00' }, NOW, open24())), /not a calendar date/);
      assert.match(failed(resolveCallback({ at: '2026-12-03T24:30' }, NOW, open24())), /no such time of day/);
    });
  });

  describe('clamping into business hours', () => {
    it('leaves a moment inside business hours alone', () => {
      const r = ok(resolveCallback({ phrase: 'tomorrow after 10' }, NOW, office()));
      assert.equal(wallOf(r.atMs), '2026-12-03T10:00');
      assert.equal(r.clamped, false);
    });
    it('moves an early or late moment to the next opening and says so', () => {
      const early = ok(resolveCallback({ phrase: 'tomorrow at 7' }, NOW, office()));
      assert.equal(wallOf(early.atMs), '2026-12-03T08:00');
      assert.equal(early.clamped, true);
      assert.match(early.interpretation, /read as Thu 2026-12-03 07:00 .*moved into business hours: Thu 2026-12-03 08:00/);
      const late = ok(resolveCallback({ phrase: 'in two hours' }, local('2026-12-04T19:00'), office())); // Friday 21:00 → Saturday 09:00
      assert.equal(wallOf(late.atMs), '2026-12-05T09:00');
      assert.equal(late.clamped, true);
    });
    it('skips a closed date', () => {
      const r = ok(resolveCallback({ phrase: 'tomorrow morning' }, NOW, office(BERLIN, ['2026-12-03'])));
      assert.equal(wallOf(r.atMs), '2026-12-04T08:00');
    });
    it('reports a broken schedule as an error instead of throwing', () => {
      const broken: Schedule = { timeZone: 'Atlantis/Capital', businessHours: {}, closedDates: [] };
      assert.match(failed(resolveCallback({ phrase: 'tomorrow' }, NOW, broken)), /unknown time zone "Atlantis\/Capital"/);
      const badSpan: Schedule = { timeZone: BERLIN, businessHours: { thu: [{ open: '8am', close: '17:00' }] }, closedDates: [] };
      assert.match(failed(resolveCallback({ phrase: 'tomorrow' }, NOW, badSpan)), /"8am" is not a time of day/);
      assert.match(failed(resolveCallback({ phrase: 'tomorrow' }, Number.NaN, open24())), /finite/);
    });
    it('fails clearly when the hotel never opens', () => {
      const closed: Schedule = { timeZone: BERLIN, businessHours: {}, closedDates: [] };
      assert.match(failed(resolveCallback({ phrase: 'tomorrow' }, NOW, closed)), /no business hours within 14 days/);
    });
    it('always gives a moment that is in business hours and not in the past', () => {
      const phrases = ['tomorrow', 'in 2 hours', 'later today', 'next week', 'morgen Vormittag', 'dans deux heures', 'el lunes por la mañana', 'at 3', 'tomorrow evening', 'in 30 minutes'];
      const zones = ['Pacific/Auckland', 'America/New_York', 'Europe/London', 'Asia/Kolkata'];
      fc.assert(
        fc.property(fc.constantFrom(...phrases), fc.constantFrom(...zones), fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }), (phrase, zone, now) => {
          const r = ok(resolveCallback({ phrase }, now, office(zone)));
          assert.ok(r.atMs >= now);
          assert.equal(isOpenAt(office(zone), r.atMs), true);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('the words of each language (callback-words.json)', () => {
    const keysOf = (v: unknown, at = ''): string[] =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => [`${at}${k}`, ...keysOf(x, `${at}${k}.`)]) : [];
    it('has every language once, each with every word English has', () => {
      assert.deepEqual(WORDS.map((w) => w.language).sort(), [...Language.options].sort());
      const english = keysOf(WORDS[0]).filter((k) => k !== 'tomorrowPart');
      for (const w of WORDS) {
        const missing = english.filter((k) => !keysOf(w).includes(k));
        assert.deepEqual(missing, [], `${w.language} lacks ${missing.join(', ')}`);
        assert.equal(w.numbers.length, 12, `${w.language} counts one to twelve`);
        assert.equal(w.weekdays.length, 7, `${w.language} names seven weekdays`);
        assert.match(w.weekday, /\{day\}/, `${w.language}'s weekday pattern has a place for the day`);
      }
    });
  });
});
