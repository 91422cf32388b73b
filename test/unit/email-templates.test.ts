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
    it: { subject: /^Richiesta fattura per 2 ospiti – Hotel Rex \[Ref tok234abcd\]$/, ask: /inviarci la fattura dettagliata/, remind: /stiamo ancora aspettando/, line: /• Anna Schmidt — arrivo 2026-10-01, partenza 2026-10-04, n\. conferma: AB-123/ },
    pt: { subject: /^Pedido de fatura para 2 hóspedes – Hotel Rex \[Ref tok234abcd\]$/, ask: /enviar-nos a fatura discriminada/, remind: /ainda aguardamos/, line: /• Anna Schmidt — chegada 2026-10-01, partida 2026-10-04, n\.º de confirmação: AB-123/ },
    nl: { subject: /^Verzoek om hotelrekening voor 2 gasten – Hotel Rex \[Ref tok234abcd\]$/, ask: /gespecificeerde eindrekening/, remind: /wij wachten nog/, line: /• Anna Schmidt — aankomst 2026-10-01, vertrek 2026-10-04, bevestigingsnr\.: AB-123/ },
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

  it('a request after the front desk agreed on the phone says so, in every language, with the same guest lines', () => {
    const onPhone: Record<string, RegExp> = {
      en: /As agreed on the phone with your front desk/,
      de: /wie telefonisch mit Ihrer Rezeption vereinbart/,
      fr: /comme convenu par téléphone/,
      es: /Tal como acordamos por teléfono/,
      it: /come concordato al telefono/,
      pt: /conforme combinado por telefone/,
      nl: /zoals telefonisch met uw receptie afgesproken/,
    };
    for (const [lang, said] of Object.entries(onPhone)) {
      const plain = composeEmail({ kind: 'request', language: lang, hotelName: 'Hotel Rex', guests, token: 'tok234abcd' });
      const after = composeEmail({ kind: 'request', language: lang, hotelName: 'Hotel Rex', guests, token: 'tok234abcd', followsCall: true });
      assert.match(after.text, said, lang);
      assert.doesNotMatch(plain.text, said, `${lang}: a plain request does not claim a call`);
      assert.equal(after.subject, plain.subject);
      assert.deepEqual(parseGuestLines(after.text), guests, `${lang}: the guest lines read back exactly`);
    }
    // a reminder stays a reminder
    const rem = composeEmail({ kind: 'reminder', language: 'en', hotelName: 'Hotel Rex', guests, token: 'tok234abcd', followsCall: true });
    assert.match(rem.text, /still waiting/);
  });

  it('falls back to English for other languages and singular wording for one guest', () => {
    assert.equal(templateLanguage('sv'), 'en');
    assert.equal(templateLanguage(undefined), 'en');
    assert.equal(requestSubject('sv', 'Hotel Rex', 1, 'abcdefgh'), 'Folio request for 1 guest – Hotel Rex [Ref abcdefgh]');
  });

  it('a re-ask in the thread names, under the guest, exactly what was wrong and what is needed', () => {
    const reask = { ...guests[0]!, ask: { kind: 'reask' as const, need: 'correct-folio' as const, problems: ['guest-mismatch'], attempt: 1 } };
    const rem = composeEmail({ kind: 'reminder', language: 'en', hotelName: 'Hotel Rex', guests: [reask], token: 'tok234abcd', originalSubject: 'Folio request' });
    assert.match(rem.text, /Thank you for your reply\. Below is what we still need/);
    assert.match(rem.text, /• Anna Schmidt — arrival 2026-10-01.*\n {3}The document you sent cannot be used: it is the folio of another guest\.\n {3}Could you please send the folio of this guest and this stay\?/);
    assert.match(rem.html, /<strong>Anna Schmidt \(AB-123\)<\/strong>: The document you sent cannot be used/);
    assert.deepEqual(parseGuestLines(rem.text), [guests[0]], 'the notes do not disturb the guest lines');
    // in the hotel's language
    const it = composeEmail({ kind: 'reminder', language: 'it', hotelName: 'Hotel Rex', guests: [reask], token: 'tok234abcd' });
    assert.match(it.text, /è la fattura di un altro ospite/);
  });

  it('a guest without an ask in the same email is asked as before', () => {
    const find = { ...guests[1]!, ask: { kind: 'find-booking' as const, nameVariants: ['J. Dupont'] } };
    const mixed = composeEmail({ kind: 'reminder', language: 'fr', hotelName: 'Hotel Rex', guests: [guests[0]!, find], token: 'tok234abcd' });
    assert.match(mixed.text, /nous attendons toujours/);
    assert.match(mixed.text, /J\. Dupont/);
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
