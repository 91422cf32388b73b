import assert from 'node:assert/strict';
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
