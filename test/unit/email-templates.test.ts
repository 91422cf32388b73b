import assert from 'node:assert/strict';
import { composeEmail, parseGuestLines, reminderSubject, requestSubject, templateLanguage } from '../../adapters/email/templates';

const guests = [
  { guestName: 'Anna Schmidt', confirmationNumber: 'AB-123', checkIn: '2026-10-01', checkOut: '2026-10-04' },
  { guestName: 'Jean <Dupont> & Fils', confirmationNumber: 'CD-456', checkIn: '2026-10-02', checkOut: '2026-10-03' },
];

describe('email templates', () => {
  const expected: Record<string, { subject: RegExp; ask: RegExp; remind: RegExp; line: RegExp }> = {
    en: { subject: /^Folio request for 2 guests – Hotel Rex \[Ref tok234abcd\]$/, ask: /send us the final folio/, remind: /still waiting/, line: /• Anna Schmidt — arrival 2026-10-01, departure 2026-10-04, confirmation no\.: AB-123/ },
    de: { subject: /^Anfrage Hotelrechnung für 2 Gäste – Hotel Rex \[Ref tok234abcd\]$/, ask: /senden Sie uns die endgültige Hotelrechnung/, remind: /wir warten noch/, line: /• Anna Schmidt — Anreise 2026-10-01, Abreise 2026-10-04, Bestätigungsnr\.: AB-123/ },
    fr: { subject: /^Demande de facture pour 2 clients – Hotel Rex \[Ref tok234abcd\]$/, ask: /envoyer la facture détaillée/, remind: /nous attendons toujours/, line: /• Anna Schmidt — arrivée 2026-10-01, départ 2026-10-04, n° de confirmation : AB-123/ },
    es: { subject: /^Solicitud de factura para 2 huéspedes – Hotel Rex \[Ref tok234abcd\]$/, ask: /enviarnos la factura detallada/, remind: /Todavía estamos esperando/, line: /• Anna Schmidt — llegada 2026-10-01, salida 2026-10-04, n\.º de confirmación: AB-123/ },
  };
  for (const [lang, e] of Object.entries(expected)) {
    it(`writes the request and the reminder in ${lang}, listing every guest`, () => {
      const req = composeEmail({ kind: 'request', language: lang, hotelName: 'Hotel Rex', guests, token: 'tok234abcd' });
      assert.match(req.subject, e.subject);
      assert.match(req.text, e.ask);
      assert.match(req.text, e.line);
      assert.match(req.text, /CD-456/);
      assert.match(req.text, /\[Ref tok234abcd\]/);
      assert.match(req.html, /<td>AB-123<\/td>/);
      assert.match(req.html, /Jean &lt;Dupont&gt; &amp; Fils/, 'HTML is escaped');
      const rem = composeEmail({ kind: 'reminder', language: lang, hotelName: 'Hotel Rex', guests: guests.slice(0, 1), token: 'tok234abcd', originalSubject: req.subject });
      assert.equal(rem.subject, `Re: ${req.subject}`);
      assert.match(rem.text, e.remind);
      assert.deepEqual(parseGuestLines(req.text), guests, 'the guest lines read back exactly');
    });
  }

  it('falls back to English for other languages and singular wording for one guest', () => {
    assert.equal(templateLanguage('it'), 'en');
    assert.equal(templateLanguage(undefined), 'en');
    assert.equal(requestSubject('nl', 'Hotel Rex', 1, 'abcdefgh'), 'Folio request for 1 guest – Hotel Rex [Ref abcdefgh]');
  });

  it('does not stack "Re:" prefixes', () => {
    assert.equal(reminderSubject('Re: x'), 'Re: x');
    assert.equal(reminderSubject('x'), 'Re: x');
  });

  it('reads guest lines from a quoted reply', () => {
    const text = composeEmail({ kind: 'request', language: 'de', hotelName: 'H', guests, token: 'abcdefgh' }).text.split('\n').map((l) => `> ${l}`).join('\n');
    assert.equal(parseGuestLines(text).length, 2);
  });
});
