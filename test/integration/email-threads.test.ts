// The sent-threads repository against FerretDB: a call's reply thread at a hotel with no email address on file
// reads back with an empty address list (FerretDB drops an empty array written by $setOnInsert), so the
// inbox's correlation over every recent thread keeps working.
import assert from 'node:assert/strict';
import { Store } from '../../adapters/mongo/store';
import { correlate } from '../../domain/correlation';
import { digestsEqual } from '../../adapters/http/signing';
import { startMongo } from '../helpers/stack';

describe('sent threads (FerretDB)', () => {
  let store: Store;

  before(async () => {
    store = new Store((await startMongo()).db());
    await store.ensureIndexes();
  });

  it('a call thread at a hotel with no email address reads back with no addresses, and correlation runs over it', async () => {
    const guests = [{ folioId: 'f-1', workflowId: 'folio:c:r1', confirmationNumber: 'C-1', guestName: 'Ada Lovelace' }];
    await store.emails.registerCallThread({ callId: 'call:h-none:1', hotelId: 'h-none', token: 'tok1', hotelEmails: [], guests, domain: 'folio.test' });
    await store.emails.registerCallThread({ callId: 'call:h-mail:1', hotelId: 'h-mail', token: 'tok2', hotelEmails: ['frontdesk@hotel.example'], guests, domain: 'folio.test' });
    const threads = await store.emails.recentThreads(7);
    const none = threads.find((t) => t.emailId === 'call:h-none:1');
    assert.deepEqual(none?.hotelEmails, []);
    assert.deepEqual(threads.find((t) => t.emailId === 'call:h-mail:1')?.hotelEmails, ['frontdesk@hotel.example']);
    // a message from an unknown sender with no token or thread headers goes through every thread without failing
    assert.doesNotThrow(() => correlate({ references: [], recipients: ['folios@folio.test'], subject: 'Invoice', from: 'someone@elsewhere.example', senderAuthenticated: false, text: 'Folio for Ada Lovelace' }, threads, { replyDomain: 'folio.test', tokensEqual: digestsEqual }));
  });
});
