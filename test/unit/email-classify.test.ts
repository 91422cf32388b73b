import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { classify, freshText } from '../../adapters/email/classify';
import { buildDsn } from '../../sandbox/mail/dsn';
import { HOTEL_LANGUAGES, hotelAnswerText } from '../../sandbox/hotels/mail-responder';

const parse = (headers: string[], body = 'Hello') => simpleParser([...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n'));
const base = ['From: frontdesk@rex.example', 'To: folios+abcdefgh@folio.test'];

describe('classifying hotel mail', () => {
  it('auto-replies by header', async () => {
    assert.equal(classify(await parse([...base, 'Subject: Re: folio', 'Auto-Submitted: auto-replied'])).kind, 'auto-reply');
    assert.equal(classify(await parse([...base, 'Subject: Re: folio', 'X-Autoreply: yes'])).kind, 'auto-reply');
    assert.equal(classify(await parse([...base, 'Subject: Re: folio', 'Precedence: auto_reply'])).kind, 'auto-reply');
    assert.equal(classify(await parse([...base, 'Subject: Re: folio', 'Auto-Submitted: no'])).kind, 'reply');
  });

  for (const subject of ['Out of Office: Folio request', 'Automatic reply: Folio', 'Abwesenheitsnotiz: Anfrage', 'Automatische Antwort: Anfrage', 'Réponse automatique : Demande', "Absence du bureau", 'Respuesta automática: Solicitud', 'Fuera de la oficina']) {
    it(`auto-reply by subject: "${subject}"`, async () => {
      assert.equal(classify(await parse([...base, `Subject: ${subject}`])).kind, 'auto-reply');
    });
  }

  it('a DSN: which recipient failed and which message of ours bounced', async () => {
    const original = Buffer.from('From: folios@folio.test\r\nTo: frontdesk@gone.example\r\nMessage-ID: <email-e9@folio.test>\r\nSubject: x\r\n\r\nbody');
    const dsn = buildDsn({ reportingDomain: 'gone.example', to: 'folios@folio.test', failedRecipient: 'frontdesk@gone.example', diagnostic: '550 5.1.1 user unknown', original });
    const c = classify(await simpleParser(dsn));
    assert.deepEqual(c, { kind: 'bounce', failedRecipients: ['frontdesk@gone.example'], originalMessageId: '<email-e9@folio.test>', diagnostic: 'smtp; 550 5.1.1 user unknown' });
  });

  it('a plain-text bounce from MAILER-DAEMON', async () => {
    const c = classify(await parse(['From: MAILER-DAEMON@mx.rex.example', 'To: folios@folio.test', 'Subject: Undeliverable'], 'Delivery to <frontdesk@rex.example> failed permanently.'));
    assert.equal(c.kind, 'bounce');
    assert.deepEqual(c.kind === 'bounce' && c.failedRecipients, ['frontdesk@rex.example']);
  });

  const noBooking: [string, string][] = [
    ['en', "Sorry, we don't have a booking under that name."],
    ['en', 'We could not find any reservation for this guest.'],
    ['en', 'There is no record of this reservation.'],
    ['de', 'Leider haben wir keine Buchung unter diesem Namen.'],
    ['de', 'Die Reservierung wurde leider nicht gefunden.'],
    ['fr', "Nous n'avons trouvé aucune réservation à ce nom."],
    ['fr', 'La réservation est introuvable dans notre système.'],
    ['es', 'No tenemos ninguna reserva a ese nombre.'],
    ['es', 'Lo sentimos, la reserva no existe.'],
  ];
  for (const [lang, text] of noBooking) {
    it(`"no such booking" (${lang}): ${text}`, async () => {
      assert.equal(classify(await parse([...base, 'Subject: Re: folio'], text)).kind, 'no-such-booking');
    });
  }

  const formRequests: [string, string][] = [
    ['en', 'We can only release the invoice against a credit card authorization form signed by the guest.'],
    ['en', 'Please send us a signed third-party authorisation form first.'],
    ['de', 'Bitte senden Sie uns eine vom Gast unterschriebene Vollmacht.'],
    ['fr', "Il nous faut une autorisation signée par le client avant d'envoyer la facture."],
  ];
  for (const [lang, text] of formRequests) {
    it(`a form signed by the guest asked for in writing (${lang}): ${text}`, async () => {
      assert.equal(classify(await parse([...base, 'Subject: Re: folio'], text)).kind, 'form-required');
    });
  }

  it("the sandbox hotels' written form request is one in each of their languages; their refusals and \"sent to the guest\" are not", async () => {
    const guests = [{ guestName: 'Ada Lovelace', confirmationNumber: 'C123456' }];
    for (const lang of HOTEL_LANGUAGES) {
      assert.equal(classify(await parse([...base, 'Subject: Re: folio'], hotelAnswerText(lang, 'auth_form', guests, 'Hotel'))).kind, 'form-required', lang);
      for (const other of ['refusal', 'sent_to_guest'] as const) assert.equal(classify(await parse([...base, 'Subject: Re: folio'], hotelAnswerText(lang, other, guests, 'Hotel'))).kind, 'reply', `${lang} ${other}`);
    }
    // our own words quoted back (the email that carried the signed form) are not the hotel asking again
    const quoted = 'Thank you.\n\nOn Mon, 1 Oct 2026 Folio Desk wrote:\n> please find attached the authorisation form signed by the guest';
    assert.equal(classify(await parse([...base, 'Subject: Re: folio'], quoted)).kind, 'reply');
  });

  it('phrases in the quoted request or with an attachment do not count as "no booking"', async () => {
    const quoted = 'Folio attached.\n\nOn Mon, 1 Oct 2026 Folio Desk wrote:\n> we do not have a booking reference yet';
    assert.equal(classify(await parse([...base, 'Subject: Re: folio'], quoted)).kind, 'reply');
    assert.equal(freshText('hi\n> quoted\nthere'), 'hi\nthere');
  });

  it('an HTML folio without attachment is an inline folio; a plain thank-you is a reply', async () => {
    const html = await simpleParser(['From: a@rex.example', 'Subject: Re: folio', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', '<p>Invoice</p><table><tr><td>Room</td><td>120.00</td></tr><tr><td>Total</td><td>132.00</td></tr></table>'].join('\r\n'));
    assert.equal(classify(html).kind, 'inline-folio');
    assert.equal(classify(await parse([...base, 'Subject: Re: folio'], 'Thanks, we will send it tomorrow.')).kind, 'reply');
  });
});
