// Records fresh histories of every workflow type for the replay test (test/replay/replay.test.ts).
// Run after an intended, versioned change of workflow code: `npx tsx scripts/record-histories.ts`
// (`… record-histories.ts retention` records the retention workflow's alone, `… call-in-writing` the folio and
// dispatcher of "call once, email the rest" alone).
// A change that breaks these recorded runs would break running workflows in production. Histories recorded
// before a patched() change stay beside these under their own name (e.g. `folio-phone.pre-closed-loop.json`).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { FolioStatus } from '../domain/model';
import { agrees, LifecycleWorld } from '../test/helpers/lifecycle-world';
import { edgeFor, GONE } from '../temporal/edge';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../config';
import { Store } from '../adapters/mongo/store';
import { createRetentionActivities } from '../activities/retention';
import { DAY_MS } from '../domain/calendar';
import { startMongo, startTemporal, stopStack, workflowBundle } from '../test/helpers/stack';
import { acquireCallSlotSignal, retentionWorkflowType, callSlotsStateQuery, callSlotsWorkflowType, folioStateQuery, uploadAuthorizationUpdate } from '../workflows/definitions';

const OUT = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories');

/** The retention workflow paging through two delivered callbacks past their period by its activities' clock (dev server, FerretDB). */
async function recordRetention() {
  const [mongo, env] = await Promise.all([startMongo(), startTemporal()]);
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const store = new Store(mongo.db());
    await store.ensureIndexes();
    for (const id of ['cb-old', 'cb-recent']) {
      await store.callbacks.accept({ _id: id, source: 'twilio', workflowId: 'call:replay', signal: 'callStatus', payloads: [] });
      await store.callbacks.claim('recorder', 1, 60_000);
      await store.callbacks.delivered(id, 'recorder', 'sent');
    }
    const taskQueue = 'replay-retention';
    const retention = createRetentionActivities({ config, store, clock: () => new Date(Date.now() + 30 * DAY_MS) });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: retention });
    // plain payloads (no codec), as the other recorded histories: the replay test runs without keys
    const client = new Client({ connection: env.connection });
    const workflowId = `retention:replay-${Date.now()}`;
    await worker.runUntil(client.workflow.execute(retentionWorkflowType.name, { taskQueue, workflowId, args: [{ batchSize: 1, maxBatches: 3 }] }));
    const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    writeFileSync(path.join(OUT, 'retention.json'), historyToJSON(history!));
    console.log(`recorded retention (${history?.events?.length} events)`);
  } finally {
    await stopStack();
  }
}

async function main() {
  const only = process.argv[2];
  if (only === undefined) await recordLifecycle();
  if (only === undefined || only === 'call-in-writing') await recordCallInWriting();
  if (only === undefined || only === 'retention') await recordRetention();
}

/** Call once, email the rest: the hotel agreed on the phone for one folio; the next folio due there is asked in writing. */
async function recordCallInWriting() {
  const world = await LifecycleWorld.create({ config: { CALL_OVERFLOW_SECONDS: '30', CALL_MAX_GUESTS: '8', CALL_AGREEMENT_EMAIL_HOURS: '12' } });
  try {
    mkdirSync(OUT, { recursive: true });
    await world.addHotel({ hotelId: 'replay-agreed' });
    world.scripts.set('replay-agreed', [{ line: 'human', say: agrees }]);
    const first = world.request('replay-agreed', { clientReference: 'replay-agreed-1' });
    const h1 = await world.start(first);
    await world.waitFor(h1.workflowId, [FolioStatus.AwaitingEmail]);
    await world.env.sleep(3_600_000);
    const second = world.request('replay-agreed', { clientReference: 'replay-agreed-2' });
    const h2 = await world.start(second);
    await world.waitFor(h2.workflowId, [FolioStatus.EmailRequested]);
    if (world.callsTo('replay-agreed').length !== 1) throw new Error('the second folio was called: the agreement was not used');
    // the dispatcher run that wrote for the second folio (the first run ended after the call)
    const dispatcher = await world.history('hotel:replay-agreed');
    for (const req of [first, second]) await world.hotelSendsFolio(req);
    await Promise.all([h1.result(), h2.result()]);
    for (const [name, history] of [
      ['folio-call-in-writing', await world.history(h2.workflowId)],
      ['hotel-dispatch-email-after-agreement', dispatcher],
    ] as const) {
      writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
      console.log(`recorded ${name} (${history.events?.length} events)`);
    }
  } finally {
    await world.stop();
    await stopStack();
  }
}

async function recordLifecycle() {
  const world = await LifecycleWorld.create({ config: { CALL_OVERFLOW_SECONDS: '30', CALL_MAX_GUESTS: '8' } });
  const temporal = edgeFor(world.client, world.config);
  try {
    mkdirSync(OUT, { recursive: true });
    const save = async (name: string, workflowId: string) => {
      const history = await world.history(workflowId);
      writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
      console.log(`recorded ${name} (${history.events?.length} events)`);
    };

    // phone path: no answer, a callback, agreement, the folio by email, completed
    await world.addHotel({ hotelId: 'replay-phone' });
    world.scripts.set('replay-phone', [{ line: 'no-answer' }, { line: 'human', say: () => ({ kind: 'callback', phrase: 'tomorrow after 10' }) }, { line: 'human', say: agrees }]);
    const phone = world.request('replay-phone', { clientReference: 'replay-phone-1' });
    const h1 = await world.start(phone);
    await world.waitFor(h1.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(phone);
    await h1.result();

    // email path with an overflowing call first
    await world.addHotel({ hotelId: 'replay-email' });
    world.scripts.set('replay-email', [{ line: 'human-stalls' }]);
    const email = world.request('replay-email', { clientReference: 'replay-email-1' });
    const h2 = await world.start(email);
    await world.waitFor(h2.workflowId, [FolioStatus.EmailRequested]);
    await world.hotelSendsFolio(email);
    await h2.result();

    // the closed loop: another guest's folio asked for again on the phone, then the right one
    await world.addHotel({ hotelId: 'replay-reask' });
    world.scripts.set('replay-reask', [{ line: 'human', say: agrees }]);
    const reask = world.request('replay-reask', { clientReference: 'replay-reask-1' });
    const h3 = await world.start(reask);
    await world.waitFor(h3.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(reask, { guestName: { firstName: 'Charles', lastName: 'Babbage' } });
    await waitUntil(() => world.callsTo('replay-reask').length >= 2, h3.workflowId);
    await world.waitFor(h3.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(reask);
    await h3.result();

    // email silence moves to the phone; the address given on that call is learned and written to
    await world.addHotel({ hotelId: 'replay-silence', channelPreference: 'email-first' });
    world.scripts.set('replay-silence', [{ line: 'human', say: () => ({ kind: 'written_request_only', email: 'accounting@replay-silence.example' }) }]);
    const silence = world.request('replay-silence', { clientReference: 'replay-silence-1' });
    const h4 = await world.start(silence);
    await waitUntil(() => world.emails.filter((e) => e.hotel.hotelId === 'replay-silence').length >= 2, h4.workflowId);
    await world.hotelSendsFolio(silence);
    await h4.result();

    // the hotel wants the guest's signed form: asked of the client, uploaded, sent to the hotel
    await world.addHotel({ hotelId: 'replay-form' });
    world.scripts.set('replay-form', [{ line: 'human', say: () => ({ kind: 'authorization_required', form: 'authorisation form' }) }, { line: 'human', say: agrees }]);
    const form = world.request('replay-form', { clientReference: 'replay-form-1' });
    const h5 = await world.start(form);
    await world.waitFor(h5.workflowId, [FolioStatus.AwaitingClient]);
    await h5.executeUpdate(uploadAuthorizationUpdate, { args: [{ by: 'client:replay', document: await world.hotelDocument('signed.pdf') }] });
    await waitUntil(() => world.emails.some((e) => e.hotel.hotelId === 'replay-form'), h5.workflowId);
    await world.hotelSendsFolio(form);
    await h5.result();

    await save('folio-closed-loop-reask', h3.workflowId);
    await save('folio-closed-loop-silence-learned-address', h4.workflowId);
    await save('folio-closed-loop-authorization', h5.workflowId);
    await save('folio-phone', h1.workflowId);
    await save('folio-overflow-email', h2.workflowId);
    await save('call-conversation', world.callsTo('replay-phone')[2].input.callId);
    await save('call-overflow', world.callsTo('replay-email')[0].input.callId);
    await save('email-request', world.emails.find((e) => e.hotel.hotelId === 'replay-email')!.emailId);
    await save('hotel-dispatch', 'hotel:replay-phone');
    // call-slots.json stays as recorded: dispatchers take no slot from it since the lean-dispatch patch (calls take
    // theirs in placeCall), so only runs from before it start the call-slot workflow

    // call slots: the slot granted to a requester that has gone goes to the next waiter at once
    // the live requester: a workflow that keeps running (dispatchers end when idle since the lean-dispatch patch)
    await temporal.start(callSlotsWorkflowType, 'call-slots:replay-waiter', [{ capacity: 1 }]);
    const slotsId = 'call-slots:replay-vanished';
    await temporal.start(callSlotsWorkflowType, slotsId, [{ capacity: 1 }]);
    await temporal.send(slotsId, acquireCallSlotSignal, { leaseId: 'ghost', workflowId: 'hotel:replay-gone' });
    await temporal.send(slotsId, acquireCallSlotSignal, { leaseId: 'live', workflowId: 'call-slots:replay-waiter' });
    for (let i = 0; ; i++) {
      const state = await temporal.query(slotsId, callSlotsStateQuery);
      if (state !== GONE && state.held[0] === 'live') break;
      if (i > 200) throw new Error('the waiter never got the slot');
      await new Promise((r) => setTimeout(r, 50));
    }
    await save('call-slots-vanished-requester', slotsId);
  } finally {
    await world.stop();
    await stopStack();
  }

  /** Lets server time run (skipped: to the folio's next planned action, else 20 s) until `done` holds. */
  async function waitUntil(done: () => boolean, workflowId?: string): Promise<void> {
    for (let i = 0; !done(); i++) {
      if (i > 300) throw new Error('the recorded run did not reach the expected step');
      const s = workflowId ? await temporal.query(workflowId, folioStateQuery) : undefined;
      const next = s && s !== GONE && s.nextActionAt ? Date.parse(s.nextActionAt) - (await world.env.currentTimeMs()) : 0;
      await world.env.sleep(next > 60_000 && next < 40 * 86_400_000 ? next + 1_000 : 20_000);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
