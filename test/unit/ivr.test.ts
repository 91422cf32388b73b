import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chooseIvrOption, menuOptions, nextIvrAction, pathDigits } from '../../domain/ivr';

describe('IVR option choice', () => {
  const cases: [string, Parameters<typeof chooseIvrOption>[1], string][] = [
    ['Welcome to Hotel Alpina. For reservations press 2. For the restaurant press 3.', 'en', '2'],
    ['Press 4 for events, press 1 for the front desk, or press 2 for reservations.', 'en', '1'],
    ['For billing and accounting, press three. For reservations press two.', 'en', '3'],
    ['Willkommen im Hotel Adler. Für Reservierungen drücken Sie die 2. Für das Restaurant drücken Sie die 5.', 'de', '2'],
    ['Für die Rezeption wählen Sie bitte die 9, für die Buchhaltung die Taste 7.', 'de', '9'],
    ['Bienvenue. Pour la réception, tapez 1. Pour le spa, tapez 4.', 'fr', '1'],
    ['Pour la facturation, appuyez sur la touche deux.', 'fr', '2'],
    ['Bienvenido. Para reservas, marque 2. Para eventos, marque 6.', 'es', '2'],
    ['Para hablar con recepción pulse cero', 'es', '0'],
    ['Press 1 for reservations or 3 for billing.', 'en', '3'],
    ['Drücken Sie die 1 für Reservierungen oder 4 für die Buchhaltung.', 'de', '4'],
  ];
  for (const [heard, lang, digit] of cases) {
    it(`${lang}: ${heard.slice(0, 50)}… → ${digit}`, () => {
      const c = chooseIvrOption(heard, lang);
      assert.equal(c.kind, 'press', JSON.stringify(c));
      assert.equal(c.kind === 'press' && c.digit, digit);
    });
  }

  it('recognises a person greeting in each language', () => {
    assert.deepEqual(chooseIvrOption('Good morning, Hotel X, how can I help you?', 'en'), { kind: 'person' });
    assert.deepEqual(chooseIvrOption('Hotel Adler, guten Tag, wie kann ich Ihnen helfen?', 'de'), { kind: 'person' });
    assert.deepEqual(chooseIvrOption('Hôtel du Lac bonjour, comment puis-je vous aider ?', 'fr'), { kind: 'person' });
    assert.deepEqual(chooseIvrOption('Hotel Sol, buenos días, ¿en qué puedo ayudarle?', 'es', ), { kind: 'person' });
    // English greetings are understood whatever the hotel's language.
    assert.deepEqual(chooseIvrOption('Reception, Anna speaking.', 'de'), { kind: 'person' });
  });

  it('says unknown for a menu with no useful option or silence', () => {
    assert.deepEqual(chooseIvrOption('For the spa press 5. For the restaurant press 6.', 'en'), { kind: 'unknown' });
    assert.deepEqual(chooseIvrOption('', 'en'), { kind: 'unknown' });
    assert.deepEqual(chooseIvrOption('Please hold the line.', 'en'), { kind: 'unknown' });
  });

  it('does not take an article for a digit', () => {
    assert.deepEqual(menuOptions('Un instant, pour la réception restez en ligne.'), []);
  });
});

describe('IVR steps', () => {
  it('builds a replayable path and connects on a person', () => {
    const a = nextIvrAction({ step: 1, heard: 'For reservations press 2', language: 'en', path: '' });
    assert.deepEqual(a, { kind: 'press', digit: '2', reason: 'reservations', path: 'WW2' });
    const b = nextIvrAction({ step: 2, heard: 'For billing press 1', language: 'en', path: 'WW2' });
    assert.equal(b.kind === 'press' && b.path, 'WW2WW1');
    assert.equal(pathDigits('WW2WW1'), '21');
    assert.deepEqual(nextIvrAction({ step: 3, heard: 'Front desk, how may I help you?', language: 'en', path: 'WW2WW1' }), { kind: 'connect', path: 'WW2WW1' });
  });

  it('listens again on silence, gives up after the bound', () => {
    assert.deepEqual(nextIvrAction({ step: 1, heard: '', language: 'en', path: '' }), { kind: 'listen' });
    assert.equal(nextIvrAction({ step: 4, heard: 'For the spa press 5', language: 'en', path: '' }).kind, 'give_up');
    assert.equal(nextIvrAction({ step: 2, heard: 'For the spa press 5', language: 'en', path: '', maxSteps: 2 }).kind, 'give_up');
  });

  it('never builds a path Twilio would refuse', () => {
    const long = 'WW1'.repeat(10);
    assert.equal(nextIvrAction({ step: 1, heard: 'press 1 for reception', language: 'en', path: long, maxSteps: 20 }).kind, 'give_up');
  });
});

describe('IVR option choice (property)', () => {
  // Menus assembled from options in any order and phrasing: the best department present wins.
  const DEPTS: Record<'en' | 'de' | 'fr' | 'es', [string, number][]> = {
    en: [['the front desk', 1], ['billing', 2], ['reservations', 3], ['the restaurant', 9], ['the spa', 9]],
    de: [['die Rezeption', 1], ['die Buchhaltung', 2], ['Reservierungen', 3], ['das Restaurant', 9], ['den Wellnessbereich', 9]],
    fr: [['la réception', 1], ['la facturation', 2], ['les réservations', 3], ['le restaurant', 9], ['le spa', 9]],
    es: [['recepción', 1], ['facturación', 2], ['reservas', 3], ['el restaurante', 9], ['el spa', 9]],
  };
  const TEMPLATES: Record<'en' | 'de' | 'fr' | 'es', ((d: string, n: string) => string)[]> = {
    en: [(d, n) => `For ${d} press ${n}.`, (d, n) => `Press ${n} for ${d}.`],
    de: [(d, n) => `Für ${d} drücken Sie die ${n}.`, (d, n) => `Drücken Sie die ${n} für ${d}.`],
    fr: [(d, n) => `Pour ${d}, tapez ${n}.`, (d, n) => `Pour ${d}, appuyez sur la touche ${n}.`],
    es: [(d, n) => `Para ${d}, marque ${n}.`, (d, n) => `Para ${d} pulse ${n}.`],
  };
  it('presses the digit of the best department on offer, or says unknown', () => {
    const lang = fc.constantFrom('en' as const, 'de' as const, 'fr' as const, 'es' as const);
    fc.assert(
      fc.property(lang, fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(1), { minLength: 5, maxLength: 5 }), fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 5, maxLength: 5 }), (l, picks, templates, digits) => {
        const options = picks.map((p, i) => ({ dept: DEPTS[l][p], digit: String(digits[i]), say: TEMPLATES[l][templates[i]](DEPTS[l][p][0], String(digits[i])) }));
        const heard = `Welcome. ${options.map((o) => o.say).join(' ')}`;
        const best = options.filter((o) => o.dept[1] < 9).sort((a, b) => a.dept[1] - b.dept[1])[0];
        const choice = chooseIvrOption(heard, l);
        if (best) assert.deepEqual(choice.kind === 'press' && choice.digit, best.digit, heard);
        else assert.deepEqual(choice, { kind: 'unknown' }, heard);
      }),
      { numRuns: 300 },
    );
  });
});
