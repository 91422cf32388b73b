// What we say to a hotel beyond the plain request, in each language it may speak.
import assert from 'node:assert/strict';
import { ASK_LANGUAGES, describeAsk, describeProblems, nameVariants, writtenOn } from '../../domain/asks';
import type { GuestAsk } from '../../domain/model';
import WORDS from '../../domain/ask-words.json';

/** Every text of a language's table by its path, with the placeholders it says. */
function placeholders(table: unknown, at = ''): Record<string, string[]> {
  if (typeof table === 'string') return { [at]: [...table.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort() };
  return Object.assign({}, ...Object.entries(table as Record<string, unknown>).map(([k, v]) => placeholders(v, `${at}.${k}`)));
}

describe('asks to a hotel', () => {
  describe('name variants', () => {
    it('gives other names, each part of a double surname, initials and surname first', () => {
      assert.deepEqual(nameVariants({ firstName: 'Ana María', lastName: 'García Márquez', additionalNames: ['Ana López'] }), [
        'Ana López',
        'Ana María García',
        'Ana María Márquez',
        'A. M. García Márquez',
        'García Márquez, Ana María',
      ]);
    });
    it('splits a hyphenated surname, keeps particles with theirs', () => {
      assert.deepEqual(nameVariants({ firstName: 'Jo', lastName: 'Smith-Jones' }), ['Jo Smith', 'Jo Jones', 'Jo Smith Jones', 'J. Smith-Jones', 'Smith-Jones, Jo']);
      assert.deepEqual(nameVariants({ firstName: 'Pieter', lastName: 'van der Berg' }), ['P. van der Berg', 'van der Berg, Pieter']);
    });
    it('never repeats the name itself', () => {
      assert.ok(!nameVariants({ firstName: 'Ada', lastName: 'Lovelace', additionalNames: ['Ada Lovelace', 'ada lovelace'] }).some((v) => v.toLowerCase() === 'ada lovelace'));
    });
  });

  describe('wording', () => {
    const reask: GuestAsk = { kind: 'reask', need: 'correct-folio', problems: ['guest-mismatch', 'arrival-mismatch', 'total-missing'], found: { arrival: '2026-10-01', departure: '2026-10-03' }, attempt: 1 };
    const asks: GuestAsk[] = [
      reask,
      { kind: 'reask', need: 'system-pdf', problems: ['unreadable'], attempt: 2 },
      { kind: 'did-it-arrive', wroteTo: 'frontdesk@h.example', sentAt: '2026-11-30T09:00:00Z' },
      { kind: 'find-booking', nameVariants: ['Ana López', 'A. García'] },
      { kind: 'authorization', document: { documentId: 'd', sha256: 's', contentType: 'application/pdf', size: 1, source: 'upload' }, form: 'form X' },
    ];
    it('names exactly what was wrong and what is needed (English)', () => {
      assert.deepEqual(describeAsk(reask, 'en'), [
        'The document you sent cannot be used: it is the folio of another guest, it is for other dates (arrival 2026-10-01, departure 2026-10-03) and it does not show the total amount.',
        'Could you please send the folio of this guest and this stay?',
      ]);
    });
    it('"we wrote to X on Monday — did it arrive?" in the hotel\'s time zone and language', () => {
      const ask = asks[2]!;
      assert.match(describeAsk(ask, 'en', 'Europe/London')[0]!, /^We wrote to frontdesk@h\.example on Monday 30 November about this folio\. Did our email arrive/);
      assert.match(describeAsk(ask, 'de', 'Europe/Berlin')[0]!, /am Montag 30 November an frontdesk@h\.example/);
      assert.match(describeAsk(ask, 'fr', 'Europe/Paris')[0]!, /le lundi 30 novembre/);
      assert.equal(writtenOn('2026-11-30T23:30:00Z', 'en', 'Asia/Tokyo'), 'Tuesday 1 December');
    });
    it('has every sentence in every supported language, naming the address, the names and the dates', () => {
      for (const lang of ASK_LANGUAGES) {
        for (const ask of asks) {
          const lines = describeAsk(ask, lang, 'Europe/Lisbon');
          assert.ok(lines.length > 0 && lines.every((l) => l.length > 20), `${lang} ${ask.kind}: ${lines.join(' | ')}`);
          // a misspelt placeholder would reach the hotel as written
          assert.ok(lines.every((l) => !/\{\w+\}/.test(l)), `${lang} ${ask.kind}: ${lines.join(' | ')}`);
          if (ask.kind === 'did-it-arrive') assert.ok(lines[0]!.includes('frontdesk@h.example'), `${lang}: ${lines[0]}`);
          if (ask.kind === 'find-booking') assert.ok(lines[0]!.includes('Ana López; A. García'), `${lang}: ${lines[0]}`);
          if (ask.kind === 'authorization') assert.ok(lines[0]!.includes('form X'), `${lang}: ${lines[0]}`);
        }
        assert.ok(describeProblems(reask as Extract<GuestAsk, { kind: 'reask' }>, lang).includes('2026-10-01'), lang);
      }
      // the same sentence in two languages is a missing translation
      const english = describeAsk(reask, 'en').join(' ');
      for (const lang of ASK_LANGUAGES.filter((l) => l !== 'en')) assert.notEqual(describeAsk(reask, lang).join(' '), english, lang);
    });
    it("each language's table has every text of the English one, with the same placeholders", () => {
      assert.deepEqual(Object.keys(WORDS).sort(), [...ASK_LANGUAGES].sort());
      const english = placeholders(WORDS.en);
      for (const lang of ASK_LANGUAGES) assert.deepEqual(placeholders(WORDS[lang]), english, lang);
    });
    it('falls back to English for a language it does not know', () => {
      assert.deepEqual(describeAsk(reask, 'sv'), describeAsk(reask, 'en'));
    });
  });
});
