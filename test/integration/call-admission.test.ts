// Call admission under concurrency (FerretDB): placements racing for one number pass the one-call-per-number
// check together, and only the one that takes the number's lease is admitted; the lease is released when the
// call is finished, and a lease a crashed call left behind expires. The global cap on concurrent calls: as many
// calls as there are slots take one, and a slot a crashed call left behind expires too.
import assert from 'node:assert/strict';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { createCallAdmission } from '../../activities/call-admission';
import { MINUTE_MS } from '../../domain/calendar';
import { HotelConfig } from '../../domain/schemas';
import { allDay } from '../helpers/lifecycle-world';
import { startMongo } from '../helpers/stack';

const PHONE = '+442079460777';

describe('call admission: one call at a time to a number, and the global cap on concurrent calls, atomically', function () {
  this.timeout(60_000);
  let store: Store;
  let admission: ReturnType<typeof createCallAdmission>;
  before(async () => {
    const mongo = await startMongo();
    store = new Store(mongo.db());
    await store.ensureIndexes();
    await store.hotels.upsert(HotelConfig.parse({ hotelId: 'h-lease', name: 'Lease Hotel', phone: PHONE, emails: ['frontdesk@lease.example'], timeZone: 'Europe/London', country: 'GB', language: 'en', businessHours: allDay }));
    admission = createCallAdmission({ config: loadConfig({ LOG_LEVEL: 'silent', MAX_CONCURRENT_CALLS: '3' }), store });
  });

  const place = (callId: string, now?: Date) => admission.refusal({ callId, phone: PHONE, hotelId: 'h-lease', folioIds: [] }, now);

  it('of 12 concurrent placements to one number, exactly one is admitted; the rest are refused NumberInCall', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => place(`call-race-${i}`)));
    const admitted = results.flatMap((r, i) => (r.refusal ? [] : [`call-race-${i}`]));
    assert.equal(admitted.length, 1, `admitted: ${admitted.join(', ')}`);
    assert.ok(results.every((r) => !r.refusal || r.refusal.type === 'NumberInCall'));
    assert.equal((await store.numberLeases.holder(PHONE))?.callId, admitted[0]);
    // the admitted call's own retry is admitted again; another call still is not
    assert.equal((await place(admitted[0]!)).refusal, undefined);
    assert.equal((await place('call-later')).refusal?.type, 'NumberInCall');

    // finished: the number is free for the next call
    await admission.release(PHONE, admitted[0]!);
    assert.equal((await place('call-next')).refusal, undefined);
    await admission.release(PHONE, 'call-next');
  });

  it('a lease left by a crashed call expires: after the window one placement (of several racing) takes the number', async () => {
    assert.equal((await place('call-crashed')).refusal, undefined); // never finished, never released
    assert.equal((await place('call-too-soon')).refusal?.type, 'NumberInCall');
    const later = new Date(Date.now() + 31 * MINUTE_MS);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => place(`call-after-${i}`, later)));
    assert.equal(results.filter((r) => !r.refusal).length, 1);
    // a release by a call that does not hold it changes nothing
    await admission.release(PHONE, 'call-crashed');
    assert.match((await store.numberLeases.holder(PHONE))?.callId ?? '', /^call-after-/);
  });

  it('of 10 calls racing for 3 slots, exactly 3 take one; a retry keeps its slot; a finished call frees it for the next', async () => {
    const took = await Promise.all(Array.from({ length: 10 }, (_, i) => admission.takeSlot(`cap-race-${i}`)));
    const holders = took.flatMap((t, i) => (t ? [`cap-race-${i}`] : []));
    assert.equal(holders.length, 3, `took a slot: ${holders.join(', ')}`);
    assert.equal(await store.callSlots.heldNow(), 3);
    assert.equal(await admission.takeSlot(holders[0]!), true, "a holder's retry keeps its slot");
    assert.equal(await admission.takeSlot('cap-late'), false, 'every slot is held');

    // a retry renews the slot it holds, also when another one is free by then
    await admission.release(undefined, holders[1]!);
    assert.equal(await admission.takeSlot(holders[0]!), true);
    assert.equal(await store.callSlots.heldNow(), 2, 'the retry took no second slot');
    assert.equal(await admission.takeSlot(holders[1]!), true);

    await admission.release(undefined, holders[0]!); // the call has ended (its number unknown here)
    assert.equal(await admission.takeSlot('cap-late'), true, 'the freed slot goes to the next call');
    assert.equal(await admission.takeSlot('cap-later'), false);
    for (const id of [...holders, 'cap-late']) await admission.release(undefined, id);
    assert.equal(await store.callSlots.heldNow(), 0);
  });

  it('a slot left by a crashed call expires: after the window another call takes it', async () => {
    for (const id of ['cap-crash-1', 'cap-crash-2', 'cap-crash-3']) assert.equal(await admission.takeSlot(id), true);
    assert.equal(await admission.takeSlot('cap-too-soon'), false);
    const later = new Date(Date.now() + 31 * MINUTE_MS);
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => admission.takeSlot(`cap-after-${i}`, later)));
    assert.equal(racing.filter(Boolean).length, 3, 'the three expired slots go to three of the six');
  });
});
