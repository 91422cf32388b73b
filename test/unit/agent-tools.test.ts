// The voice agent's tool parameters → our outcomes, and the guest list it reads (with each guest's ask).
import assert from 'node:assert/strict';
import { dynamicVariables, parseFolioOutcome } from '../../adapters/telephony/agent-tools';
import type { BatchGuest, HotelSnapshot } from '../../domain/model';

const hotel: HotelSnapshot = {
  hotelId: 'h1',
  name: 'Hotel Uno',
  phone: '+390212345678',
  emails: ['frontdesk@uno.example'],
  timeZone: 'Europe/Rome',
  language: 'it',
  businessHours: {},
  closedDates: [],
  channelPreference: 'phone-first',
} as HotelSnapshot;
const guest: BatchGuest = { folioId: 'f1', workflowId: 'w1', guestName: 'Ada Lovelace', confirmationNumber: 'C1', checkIn: '2026-11-20', checkOut: '2026-11-23' };

describe('voice agent tools', () => {
  it('records that the hotel wants a form signed by the guest, with its name and address', () => {
    const r = parseFolioOutcome({ folio_id: 'f1', outcome: 'authorization_required', form: 'third-party authorisation', email: 'billing@uno.example' });
    assert.deepEqual(r.outcome, { kind: 'authorization_required', form: 'third-party authorisation', email: 'billing@uno.example' });
    assert.deepEqual(parseFolioOutcome({ folio_id: 'f1', outcome: 'authorization_required' }).outcome, { kind: 'authorization_required' });
  });

  it('refuses a form name an agent made endless', () => {
    assert.throws(() => parseFolioOutcome({ folio_id: 'f1', outcome: 'authorization_required', form: 'x'.repeat(201) }), /form/);
  });

  it("adds a guest's ask after its line, in the hotel's language; a guest without one is listed as before", () => {
    const asked: BatchGuest = { ...guest, folioId: 'f2', ask: { kind: 'reask', need: 'correct-folio', problems: ['guest-mismatch'], attempt: 1 } };
    const v = dynamicVariables({ callId: 'c1', hotel, guests: [guest, asked], replyTo: 'folios@folio.test' });
    const lines = String(v.guests).split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^1\. Ada Lovelace, confirmation C1/);
    assert.match(lines[2]!, /^ {3}Also say: .*fattura di un altro ospite/);
  });
});
