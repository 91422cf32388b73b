// Every path of the folio lifecycle on Temporal's time-skipping server: days of timers run in seconds.
import assert from 'node:assert/strict';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { FolioStatus, folioWorkflowId } from '../../domain/model';
import { cancelSignal, emailBouncedSignal, folioStateQuery, hotelUpdatedSignal, reviewDecisionUpdate, setCallbackUpdate } from '../../workflows/definitions';
import { hotelSnapshot } from '../../domain/model';
import { agrees, LifecycleWorld } from '../helpers/lifecycle-world';

describe('folio lifecycle (time-skipping server)', function () {
  this.timeout(120_000);
  let world: LifecycleWorld;
  let n = 0;
  const hotelId = () => `hotel-${process.pid}-${++n}`;

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    world = await LifecycleWorld.create({ ownServer: true, config: { CALL_OVERFLOW_SECONDS: '30', CALL_MAX_GUESTS: '8' } });
  });
  after(async () => world?.stop());

  it('agreed by phone, then the folio arrives by email and passes the checks: completed', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const waiting = await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(waiting.lastOutcome, 'agreed');
    assert.equal(world.callsTo(id).length, 1);
    await world.hotelSendsFolio(req);
    const result = await handle.result();
    assert.equal(result.status, FolioStatus.Completed);
    const projection = await world.store.folios.get(req.folioId);
    assert.equal(projection?.status, FolioStatus.Completed);
    assert.ok(projection?.extracted, 'extracted data is projected');
    const events = await world.store.folios.timeline(req.folioId);
    const types = events.map((e) => e.type);
    for (const t of ['FolioRequestAccepted', 'FolioQueuedForCall', 'HotelAgreedToEmail', 'DocumentStored', 'ValidationPassed', 'FolioCompleted']) {
      assert.ok(types.includes(t as never), `timeline has ${t}: ${types.join(',')}`);
    }
    // the call's course, in order, between joining the batch and what the hotel said
    const call = types.slice(types.indexOf('FolioBatched'), types.indexOf('HotelAgreedToEmail') + 1);
    assert.deepEqual(call, ['FolioBatched', 'CallPlaced', 'CallRinging', 'CallAnswered', 'AgentConnected', 'AgentOutcomeRecorded', 'RecordingStored', 'CallCompleted', 'HotelAgreedToEmail'], `call events: ${types.join(',')}`);
    const placed = events.find((e) => e.type === 'CallPlaced');
    assert.match(String(placed?.data?.callSid), /^CA/);
  });

  it("a hotel's own overflow limit is the limit its calls get (the deployment's is 30 s here)", async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, callOverflowSeconds: 300 });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(world.callsTo(id)[0]?.input.overflowSeconds, 300);
    assert.equal(world.callsTo(id)[0]?.input.hotel.callOverflowSeconds, 300);
    await handle.cancel();
  });

  it('a call batch at a closed hotel waits for it to open, and the timeline says so', async () => {
    const id = hotelId();
    // open one hour a day, starting in the hour after next (server time, hotel in UTC): a wait of 1–2 hours,
    // well inside what waitFor steps through for a folio with no planned action of its own
    const hour = new Date(await world.env.currentTimeMs()).getUTCHours();
    const open = (hour + 2) % 24;
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const window = [{ open: hh(open), close: open === 23 ? '24:00' : hh(open + 1) }];
    await world.addHotel({ hotelId: id, timeZone: 'UTC', businessHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, window])) });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    const events = await world.store.folios.timeline(req.folioId);
    const deferred = events.find((e) => e.type === 'OutsideBusinessHoursDeferred');
    assert.ok(deferred, `timeline: ${events.map((e) => e.type).join(',')}`);
    assert.equal(new Date(String(deferred.data?.openAt)).getUTCHours(), open);
    const placed = events.find((e) => e.type === 'CallPlaced');
    assert.equal(world.callsTo(id).length, 1);
    assert.ok(placed && Date.parse(placed.at) >= Date.parse(String(deferred.data?.openAt)), 'called once the hotel opened');
    await handle.cancel();
  });

  it('no answer and busy are retried with backoff until the hotel answers', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, emails: [] });
    world.scripts.set(id, [{ line: 'no-answer' }, { line: 'busy' }, { line: 'machine' }, { line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const s = await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(s.attempts.calls, 4);
    assert.equal(world.callsTo(id)[2].ended, 'voicemail', 'a voicemail message was left on the machine');
    const retries = s.history.filter((h) => h.status === FolioStatus.RetryScheduled).length;
    assert.equal(retries, 3);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('"call back tomorrow after 10" becomes a durable timer in the hotel time zone, then the folio is called again', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, timeZone: 'America/New_York', country: 'US', phone: '+12025550123' });
    world.scripts.set(id, [{ line: 'human', say: () => ({ kind: 'callback', phrase: 'tomorrow after 10' }) }, { line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const s = await world.waitFor(handle.workflowId, [FolioStatus.CallbackScheduled]);
    const local = new Date(s.callbackAt!).toLocaleString('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false });
    assert.equal(local, '10:00');
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(world.callsTo(id).length, 2);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('an operator moves a callback; the timer follows', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human', say: () => ({ kind: 'callback', phrase: 'next week' }) }, { line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const before = await world.waitFor(handle.workflowId, [FolioStatus.CallbackScheduled]);
    // earlier than "next week": two hours from the server's now (time-skipping moves it)
    const at = new Date((await world.env.currentTimeMs()) + 2 * 3_600_000).toISOString();
    const moved = await handle.executeUpdate(setCallbackUpdate, { args: [{ by: 'operator@test', at }] });
    assert.ok(Date.parse(moved.callbackAt) < Date.parse(before.callbackAt!));
    const after = await handle.query(folioStateQuery);
    assert.equal(after.callbackAt, moved.callbackAt);
    // an unreadable phrase is rejected by the update's validator, naming the phrase, and changes nothing
    await assert.rejects(handle.executeUpdate(setCallbackUpdate, { args: [{ by: 'op', phrase: 'whenever the moon is blue' }] }), (e: Error) =>
      /whenever the moon is blue/.test((e.cause as Error | undefined)?.message ?? ''),
    );
    assert.equal((await handle.query(folioStateQuery)).callbackAt, moved.callbackAt);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('a call that runs past the overflow limit is wrapped up and the request overflows to email', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human-stalls' }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const s = await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    assert.equal(world.callsTo(id)[0].ended, 'overflow');
    assert.equal(s.lastOutcome, 'overflow');
    assert.ok(world.emails.some((e) => e.hotel.hotelId === id && e.kind === 'request'));
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('an email-only hotel is asked in writing, reminded, and completes when the folio arrives', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, channelPreference: 'email-only' });
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    // no reply for a day: a reminder goes out in the same thread
    await world.env.sleep(25 * 3_600_000);
    const mine = () => world.emails.filter((e) => e.hotel.hotelId === id);
    for (let i = 0; i < 100 && mine().length < 2; i++) await world.env.sleep(60_000);
    const s = await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    assert.equal(world.callsTo(id).length, 0, 'an email-only hotel is never called');
    assert.deepEqual(mine().map((e) => e.kind), ['request', 'reminder']);
    assert.equal(mine()[1].threadMessageId, `<${mine()[0].emailId}@folio.test>`);
    assert.equal(s.attempts.reminders, 1);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('a hotel that never answers and has no email ends unobtainable after the chase policy is used up', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, emails: [] });
    world.scripts.set(id, [{ line: 'no-answer' }]);
    const req = world.request(id);
    const handle = await world.start(req);
    const s = await world.waitFor(handle.workflowId, [FolioStatus.Unobtainable], 5 * 86_400_000);
    assert.equal(s.attempts.calls, 6);
    assert.match(s.attention ?? '', /no folio after 6 calls/);
    const projection = await world.store.folios.get(req.folioId);
    assert.equal(projection?.status, FolioStatus.Unobtainable);
    await handle.signal(cancelSignal, { by: 'operator@test' });
    assert.equal((await handle.result()).status, FolioStatus.Cancelled);
  });

  it('cancelling mid-call hangs up the call and ends the folio as cancelled', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human-stalls' }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.Calling]);
    await handle.signal(cancelSignal, { by: 'operator@test', note: 'guest paid directly' });
    assert.equal((await handle.result()).status, FolioStatus.Cancelled);
    for (let i = 0; i < 50 && !world.callsTo(id)[0].ended; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(world.callsTo(id)[0].ended, 'cancelled');
  });

  it('two folios due at one hotel are asked for in one call', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const a = world.request(id);
    const b = world.request(id, { guest: { firstName: 'Grace', lastName: 'Hopper', additionalNames: [] } });
    const [ha, hb] = [await world.start(a), await world.start(b)];
    await world.waitFor(ha.workflowId, [FolioStatus.AwaitingEmail]);
    await world.waitFor(hb.workflowId, [FolioStatus.AwaitingEmail]);
    const calls = world.callsTo(id);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].input.guests.map((g) => g.folioId).sort(), [a.folioId, b.folioId].sort());
  });

  it('a duplicate request never starts a second lifecycle', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    const req = world.request(id);
    await world.start(req);
    await assert.rejects(world.start({ ...req, folioId: 'another' }), WorkflowExecutionAlreadyStartedError);
    await world.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference)).signal(cancelSignal, { by: 'test' });
  });

  it('under the earlier policy, a folio for the wrong guest goes to review; an operator approves it', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req, { checkoutGraceHours: 0, chasePolicy: { closedLoop: false } });
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(req, { guestName: { firstName: 'Charles', lastName: 'Babbage' } });
    const review = await world.waitFor(handle.workflowId, [FolioStatus.NeedsReview]);
    assert.ok(review.reviewReasons?.some((r) => /name/i.test(r)), `reasons name the guest: ${review.reviewReasons}`);
    const r = await handle.executeUpdate(reviewDecisionUpdate, { args: [{ by: 'reviewer@test', approve: true }] });
    assert.equal(r.status, FolioStatus.Completed);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('a rejected email address hands the folio back to the phone', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, channelPreference: 'email-first' });
    world.emailScripts.set(id, 'reject');
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(world.callsTo(id).length, 1);
    const events = await world.store.folios.timeline(req.folioId, { type: 'EmailRejected' });
    assert.equal(events.length, 1);
    await handle.signal(cancelSignal, { by: 'test' });
  });

  it('a bounce after the request went out sends the folio back to the phone', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, channelPreference: 'email-first' });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    const sent = world.emails.find((e) => e.hotel.hotelId === id)!;
    await handle.signal(emailBouncedSignal, { emailId: sent.emailId, messageId: '<dsn@mailer>', address: sent.hotel.emails[0], reason: 'bounce: 550 no such user' });
    const s = await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    assert.equal(s.lastOutcome, 'agreed');
    assert.equal(world.callsTo(id).length, 1);
    const events = await world.store.folios.timeline(req.folioId, { type: 'EmailBounced' });
    assert.equal(events.length, 1);
    await handle.signal(cancelSignal, { by: 'test' });
  });

  it('a hotel switched to email-only mid-flight is written to instead of called again', async () => {
    const id = hotelId();
    const hotel = await world.addHotel({ hotelId: id });
    world.scripts.set(id, [{ line: 'no-answer' }]);
    const req = world.request(id);
    const handle = await world.start(req);
    await world.waitFor(handle.workflowId, [FolioStatus.RetryScheduled]);
    await handle.signal(hotelUpdatedSignal, hotelSnapshot({ ...hotel, channelPreference: 'email-only' }));
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    assert.equal(world.callsTo(id).length, 1, 'no second call');
    assert.ok(world.emails.some((e) => e.hotel.hotelId === id));
    const changed = await world.store.folios.timeline(req.folioId, { type: 'HotelContactChanged' });
    assert.equal(changed.length, 1);
    await handle.signal(cancelSignal, { by: 'test' });
  });
});
