// The closed loop on the time-skipping server: each failed step of the chase gets its automatic next step,
// through the real workflows, dispatcher and lifecycle activities (vendors are the test world's edge).
import assert from 'node:assert/strict';
import { FolioStatus, type GuestOutcome } from '../../domain/model';
import { DAY_MS } from '../../domain/calendar';
import { NEXT_STEP } from '../../domain/chase-policy';
import { folioStateQuery, uploadAuthorizationUpdate } from '../../workflows/definitions';
import { agrees, daysFromNow, LifecycleWorld } from '../helpers/lifecycle-world';

describe('closed-loop chase (time-skipping server)', function () {
  this.timeout(120_000);
  let world: LifecycleWorld;
  let n = 0;
  const hotelId = () => `loop-${process.pid}-${++n}`;
  const say = (outcome: GuestOutcome) => ({ line: 'human' as const, say: () => outcome });

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    world = await LifecycleWorld.create({ ownServer: true, config: { CALL_OVERFLOW_SECONDS: '30', CALL_MAX_GUESTS: '8', CALL_AGREEMENT_EMAIL_HOURS: '12' } });
  });
  after(async () => world?.stop());

  /** Lets server time run (skipped: to the folio's next planned action, else 20 s) until `done` holds. */
  async function until(what: string, workflowId: string, done: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; !(await done()); i++) {
      if (i >= 300) throw new Error(`never happened: ${what}`);
      const s = await world.client.workflow.getHandle(workflowId).query(folioStateQuery);
      const next = s.nextActionAt ? Date.parse(s.nextActionAt) - (await world.env.currentTimeMs()) : 0;
      await world.env.sleep(next > 60_000 && next < 40 * DAY_MS ? next + 1_000 : 20_000);
    }
  }
  const types = async (folioId: string) => (await world.store.folios.timeline(folioId)).map((e) => e.type as string);

  it("another guest's folio is asked for again on the phone, and the right one completes the folio with no operator", async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id }, [{ line: 'human', say: agrees }]);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(req, { guestName: { firstName: 'Charles', lastName: 'Babbage' } });
    await until('a second call', handle.workflowId, () => world.callsTo(id).length >= 2);
    // the hotel agreed on the phone: the re-ask goes the same way, naming what was wrong
    const ask = world.callsTo(id)[1]!.input.guests[0]!.ask;
    assert.equal(ask?.kind, 'reask');
    assert.ok(ask?.kind === 'reask' && ask.need === 'correct-folio' && ask.problems.includes('guest-mismatch'), JSON.stringify(ask));
    const during = await handle.query(folioStateQuery);
    assert.notEqual(during.status, FolioStatus.NeedsReview);
    assert.equal(during.document, undefined, "the other guest's folio is not this folio's document");
    const right = await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
    assert.equal((await handle.query(folioStateQuery)).document?.documentId, right.documentId);
    const t = await types(req.folioId);
    for (const e of ['ValidationFailed', 'FolioReasked', 'ValidationPassed', 'FolioCompleted']) assert.ok(t.includes(e), `timeline has ${e}: ${t.join(',')}`);
    assert.ok(!t.includes('ReviewRequested'), 'no person was asked');
  });

  it('call once, email the rest: a folio due at a hotel that agreed on the phone an hour ago is asked in writing, and completes', async () => {
    const id = hotelId();
    const { req: a, handle: ha } = await world.begin({ hotelId: id }, [say({ kind: 'agreed' })]);
    await world.waitFor(ha.workflowId, [FolioStatus.AwaitingEmail]);
    await world.env.sleep(3_600_000);
    const b = world.request(id);
    const hb = await world.start(b);
    await world.waitFor(hb.workflowId, [FolioStatus.EmailRequested]);
    assert.equal(world.callsTo(id).length, 1, 'one call for the hotel');
    const email = world.emails.find((e) => e.hotel.hotelId === id);
    assert.deepEqual(email?.guests.map((g) => g.folioId), [b.folioId]);
    assert.equal(email?.followsCall?.callId, world.callsTo(id)[0]!.input.callId);
    const t = await types(b.folioId);
    for (const e of ['FolioQueuedForCall', 'CallReplacedByEmail', 'EmailRequestSent']) assert.ok(t.includes(e), `timeline has ${e}: ${t.join(',')}`);
    assert.ok(!t.includes('CallPlaced'), 'the second folio was not called');
    for (const [req, handle] of [[a, ha], [b, hb]] as const) {
      await world.hotelSendsFolio(req);
      assert.equal((await handle.result()).status, FolioStatus.Completed);
    }
  });

  it('no reply to the email for a business day: the hotel is called and asked whether the email arrived', async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id, channelPreference: 'email-first' }, [{ line: 'human', say: agrees }]);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    assert.equal(world.callsTo(id).length, 0);
    // nobody asked for a signed form: an upload is refused, naming why
    await assert.rejects(handle.executeUpdate(uploadAuthorizationUpdate, { args: [{ by: 'client', document: await world.hotelDocument() }] }), (e: Error) =>
      /has not asked for a signed form/.test((e.cause as Error | undefined)?.message ?? ''),
    );
    await until('a call', handle.workflowId, () => world.callsTo(id).length === 1);
    const ask = world.callsTo(id)[0]!.input.guests[0]!.ask;
    assert.deepEqual(ask?.kind === 'did-it-arrive' && ask.wroteTo, `frontdesk@${id}.example`);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    const switched = await world.store.folios.timeline(req.folioId, { type: 'ChannelSwitched' });
    assert.equal(switched[0]?.data?.to, 'phone');
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('an email-only hotel that does not answer two business days of email is called', async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id, channelPreference: 'email-only' }, [{ line: 'human', say: agrees }]);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    const first = Date.parse((await world.store.folios.timeline(req.folioId, { type: 'EmailRequestSent' }))[0]!.at);
    const calls = () => world.store.folios.timeline(req.folioId, { type: 'CallPlaced' });
    await until('a call', handle.workflowId, async () => (await calls()).length === 1);
    const placed = Date.parse((await calls())[0]!.at);
    assert.ok(placed - first >= 2 * 86_400_000 - 60_000, `called ${(placed - first) / 3_600_000} h after the first email`);
    assert.ok(world.emails.filter((e) => e.hotel.hotelId === id).length >= 2, 'a reminder went out before the call');
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('an address the hotel gives on the phone is kept on the hotel and the written request goes there', async () => {
    const id = hotelId();
    const address = `accounting@${id}.example`;
    const { req, handle } = await world.begin({ hotelId: id, emails: [] }, [say({ kind: 'written_request_only', email: address })]);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    const sent = world.emails.filter((e) => e.hotel.hotelId === id);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.guests[0]!.writeTo, address);
    const hotel = await world.store.hotels.get(id);
    assert.deepEqual(
      hotel?.learnedContacts?.map((c) => [c.email, c.source, c.purpose, c.folioId]),
      [[address, 'call-outcome', 'written-requests', req.folioId]],
    );
    const learned = await world.store.folios.timeline(req.folioId, { type: 'HotelContactLearned' });
    assert.equal(learned[0]?.data?.address, address);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('"no such booking": asked once more in writing with the name variants, the client told; the folio then arrives', async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id }, [say({ kind: 'no_such_booking' })]);
    await world.waitFor(handle.workflowId, [FolioStatus.EmailRequested]);
    const ask = world.emails.find((e) => e.hotel.hotelId === id)!.guests[0]!.ask;
    assert.ok(ask?.kind === 'find-booking' && ask.nameVariants.includes('A. Lovelace'), JSON.stringify(ask));
    assert.deepEqual(
      world.notifications.filter((x) => x.folioId === req.folioId).map((x) => x.kind),
      ['folio.no_such_booking'],
    );
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('"no such booking" twice: a person, with the next action named in the folio list', async () => {
    const id = hotelId();
    const { handle } = await world.begin({ hotelId: id, emails: [] }, [say({ kind: 'no_such_booking' })]);
    await world.waitFor(handle.workflowId, [FolioStatus.NeedsAttention]);
    assert.equal(world.callsTo(id).length, 2, 'asked again by phone (no address), then stopped');
    assert.equal(world.callsTo(id)[1]!.input.guests[0]!.ask?.kind, 'find-booking');
    const page = await world.store.folios.list({ needsAttention: true, hotelId: id }, { limit: 10 });
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]!.nextAction, NEXT_STEP.noSuchBooking);
    await handle.cancel();
  });

  it('the hotel wants a form signed by the guest: the client is asked, uploads it, it goes to the hotel, the folio completes', async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id }, [say({ kind: 'authorization_required', form: 'third-party authorisation form' }), { line: 'human', say: agrees }]);
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingClient]);
    const told = world.notifications.find((x) => x.folioId === req.folioId);
    assert.equal(told?.kind, 'folio.authorization_required');
    assert.equal(told?.action?.path, `/v1/folios/${req.folioId}/authorization`);
    assert.equal(told?.form, 'third-party authorisation form');
    const form = await world.hotelDocument('signed-form.pdf');
    await handle.executeUpdate(uploadAuthorizationUpdate, { args: [{ by: 'client:client-a', document: form }] });
    await until('the form goes to the hotel', handle.workflowId, () => world.emails.some((e) => e.hotel.hotelId === id));
    const ask = world.emails.find((e) => e.hotel.hotelId === id)!.guests[0]!.ask;
    assert.ok(ask?.kind === 'authorization' && ask.document.documentId === form.documentId, JSON.stringify(ask));
    const t = await types(req.folioId);
    for (const e of ['AuthorizationRequired', 'ClientNotified', 'AuthorizationReceived', 'AuthorizationSentToHotel']) assert.ok(t.includes(e), `timeline has ${e}: ${t.join(',')}`);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it('email-early: the written request goes out hours after check-out; the call waits for the grace end and comes only without a folio', async () => {
    const id = hotelId();
    await world.addHotel({ hotelId: id, timeZone: 'UTC' });
    world.scripts.set(id, [{ line: 'human', say: agrees }]);
    // check-out tomorrow on the server's clock (earlier tests in this file moved it on by days)
    const serverNow = await world.env.currentTimeMs();
    const day = (d: number) => new Date(serverNow + d * DAY_MS).toISOString().slice(0, 10);
    const req = world.request(id, { checkIn: day(-2), checkOut: day(1) });
    const handle = await world.start(req, { checkoutGraceHours: 24, chasePolicy: { firstContact: 'email-early', emailEarlyHours: 3 } });
    const checkOutNoon = Date.parse(`${req.checkOut}T12:00:00Z`);
    const sentEvents = () => world.store.folios.timeline(req.folioId, { type: 'EmailRequestSent' });
    await until('the early request', handle.workflowId, async () => (await sentEvents()).length === 1);
    const sent = Date.parse((await sentEvents())[0]!.at);
    assert.ok(sent >= checkOutNoon + 3 * 3_600_000 && sent < checkOutNoon + 24 * 3_600_000, `written at ${new Date(sent).toISOString()}`);
    assert.equal(world.callsTo(id).length, 0, 'no call before the grace ends');
    const calls = () => world.store.folios.timeline(req.folioId, { type: 'CallPlaced' });
    await until('the call at the grace end', handle.workflowId, async () => (await calls()).length === 1);
    assert.ok(Date.parse((await calls())[0]!.at) >= checkOutNoon + 24 * 3_600_000);
    await world.hotelSendsFolio(req);
    assert.equal((await handle.result()).status, FolioStatus.Completed);
  });

  it("only the departure differs and the client's policy accepts it: completed with a visible flag", async () => {
    const id = hotelId();
    const { req, handle } = await world.begin({ hotelId: id }, [{ line: 'human', say: agrees }], { clientPolicy: { acceptDepartureMismatch: true } });
    await world.waitFor(handle.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(req, { departure: daysFromNow(1) });
    assert.equal((await handle.result()).status, FolioStatus.Completed);
    assert.deepEqual((await handle.query(folioStateQuery)).flags, ['departure-differs']);
    const accepted = await world.store.folios.timeline(req.folioId, { type: 'DepartureMismatchAccepted' });
    assert.equal(accepted[0]?.data?.requested, req.checkOut);
  });
});
