// Retention (issue 14 item 15): the worker process creates its retention schedule at start with the configured
// spec; a run of it, through the real worker, the Temporal dev server and FerretDB, purges what is past its
// period in every category, and keeps what is recent or still needed (open folios, unassigned mail).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Db } from 'mongodb';
import { Client, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { COLLECTIONS } from '../../adapters/mongo/collections';
import { newFolioId } from '../../api/folio-requests';
import { FolioStatus, type DocumentRef } from '../../domain/model';
import { DAY_MS } from '../../domain/calendar';
import { SANDBOX_ENV } from '../../scripts/dev-stack';
import { dataConverter } from '../../temporal/data-converter';
import { retentionScheduleId } from '../../workflows/definitions';
import type { RetentionReport } from '../../workflows/retention';
import { folioInput } from '../helpers/api';
import { rawCollection } from '../helpers/raw-db';
import { freePort, ROOT, startMongo, startProcess, startTemporal } from '../helpers/stack';

const OLD = new Date(Date.now() - 400 * DAY_MS); // past every default period
const CRON = '41 4 * * *';

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('security: retention runs as a Temporal Schedule (item 15)', function () {
  this.timeout(240_000);
  const taskQueue = `retention-${randomUUID()}`;
  const dbName = `retention_${process.pid}_${Date.now()}`;
  let store: Store;
  let db: Db;
  let client: Client;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;

  before(async () => {
    const [mongo, temporal] = await Promise.all([startMongo(), startTemporal()]);
    db = mongo.client.db(dbName);
    store = new Store(db);
    await store.ensureIndexes();
    env = {
      ...SANDBOX_ENV,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: dbName,
      METRICS_PORT: String(await freePort()),
      WORKER_OPS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      TRACING_EXPORTER: 'none',
      RETENTION_SCHEDULE_CRON: CRON,
      // small batches, so every pass pages past what it keeps
      RETENTION_BATCH_SIZE: '2',
    };
    client = new Client({ connection: temporal.connection, dataConverter: dataConverter(loadConfig(env)) });
  });
  after(async () => {
    if (worker) await stop(worker);
    await client?.schedule.getHandle(retentionScheduleId(taskQueue)).delete().catch(() => undefined);
  });

  const startWorker = () => {
    worker = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], { env, cwd: ROOT });
  };
  const describeSchedule = () => client.schedule.getHandle(retentionScheduleId(taskQueue)).describe();

  it('the worker creates the schedule at start with the configured spec; a restart updates it, leaves one, and keeps a pause', async () => {
    await assert.rejects(describeSchedule(), ScheduleNotFoundError);
    startWorker();
    const d = await until('the schedule', describeSchedule);
    assertSpec(d);
    // an operator pauses it; a restart (with another batch size) updates the one schedule, still paused
    await client.schedule.getHandle(retentionScheduleId(taskQueue)).pause('legal hold');
    await stop(worker!);
    env.RETENTION_BATCH_SIZE = '3';
    startWorker();
    await until('the updated schedule', async () => {
      const u = await describeSchedule();
      return (u.action.args?.[0] as { batchSize: number }).batchSize === 3 ? u : undefined;
    });
    const again = await describeSchedule();
    assertSpec(again);
    assert.equal(again.state.paused, true, "a restart unpaused an operator's pause");
    await client.schedule.getHandle(retentionScheduleId(taskQueue)).unpause();
    let count = 0;
    for await (const s of client.schedule.list()) if (s.scheduleId === retentionScheduleId(taskQueue)) count++;
    assert.equal(count, 1);
  });

  it('a run purges what is past its period and no longer needed, in every category, and keeps the rest', async () => {
    const seeded = await seed(store, db);
    const handle = client.schedule.getHandle(retentionScheduleId(taskQueue));
    await handle.trigger();
    const runId = await until('the triggered run', async () => (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId);
    const report = (await client.workflow.getHandle(runId).result()) as RetentionReport;

    // gone: call contexts, transcripts and expired recordings of old calls
    const oldCall = await store.calls.get(seeded.oldCall);
    assert.equal(oldCall?.context, undefined, 'an old call keeps its context');
    assert.equal(oldCall?.transcript, undefined, 'an old call keeps its transcript');
    assert.ok(oldCall?.recording?.purgedAt, 'the expired recording is not marked purged');
    assert.equal(await store.recordings.countForCall(seeded.oldCall), 0, 'the expired recording is still stored');
    // kept: a recent call's
    const recentCall = await store.calls.get(seeded.recentCall);
    assert.ok(recentCall?.context && recentCall.transcript, 'a recent call lost its context or transcript');
    assert.equal(await store.recordings.countForCall(seeded.recentCall), 1, 'a recording not yet expired was purged');

    // documents: an ended folio's and an orphan's go; an open folio's, a recently ended one's and an unassigned message's stay
    assert.equal(await store.documents.find(seeded.docs.endedOld), null, "an old ended folio's document is still stored");
    assert.equal(await store.documents.find(seeded.docs.orphan), null, 'an old document nobody holds is still stored');
    for (const [what, id] of [
      ['an open folio in review', seeded.docs.inReview],
      ['a folio that ended recently', seeded.docs.endedRecent],
      ['an unassigned unmatched message', seeded.docs.unmatchedHeld],
      ['a recent upload', seeded.docs.recent],
      ["a reply to an open folio (not yet on the folio's record)", seeded.docs.viaMessage],
    ]) assert.ok(await store.documents.find(id!), `the document of ${what} was purged`);
    // the original a kept folio's part was cut from stays too
    assert.ok(await store.documents.find(seeded.docs.originalOfInReview), 'the original of a kept part was purged');

    // timelines: an old ended folio's goes; an open folio's and a recently ended one's stay
    assert.equal((await store.folios.timeline(seeded.folios.endedOld)).length, 0, "an old ended folio's timeline stays");
    assert.equal((await store.folios.timeline(seeded.folios.inReview)).length, 2, "an open folio's timeline was purged");
    assert.equal((await store.folios.timeline(seeded.folios.endedRecent)).length, 2, "a recently ended folio's timeline was purged");
    // the folios themselves stay (status, reference)
    assert.equal((await store.folios.get(seeded.folios.endedOld))?.status, FolioStatus.Completed);

    // handled messages: an old one of an ended folio goes; one of an open folio and a recent one stay
    assert.equal(await store.inbox.processedMessage('old-ended@hotel'), null);
    assert.ok(await store.inbox.processedMessage('old-open@hotel'), "an open folio's handled message was forgotten");
    assert.ok(await store.inbox.processedMessage('recent@hotel'));
    // unmatched: the old one goes, the recent one stays
    assert.equal(await store.unmatched.get('unmatched-old'), null);
    assert.ok(await store.unmatched.get('unmatched-recent'));
    // dead letters and their dead callbacks; delivered callbacks
    assert.equal(await store.deadLetters.get('callback:cb-dead-old'), null);
    assert.equal(await store.callbacks.get('cb-dead-old'), null, "an old dead letter's callback (its encrypted arguments) stays");
    assert.ok(await store.deadLetters.get('callback:cb-dead-recent'));
    assert.ok(await store.callbacks.get('cb-dead-recent'));
    assert.equal(await store.callbacks.get('cb-delivered-old'), null);
    assert.ok(await store.callbacks.get('cb-delivered-recent'));

    // what the run reports is what went
    assert.deepEqual(report.purged, { callContext: 1, transcripts: 1, recordings: 1, inboxMessages: 1, unmatchedMessages: 1, deadLetters: 1, callbackDeliveries: 1, folioEvents: 2, documents: 2 });
    assert.deepEqual(report.unfinished, []);
    // and the worker counts it for Prometheus (the SDK's endpoint)
    const scraped = await (await fetch(`http://127.0.0.1:${env.METRICS_PORT}/metrics`)).text();
    const purgedDocs = scraped.split('\n').find((l) => l.startsWith('folio_retention_purged') && l.includes('category="documents"'));
    assert.match(purgedDocs ?? '', / 2$/, scraped.split('\n').filter((l) => l.includes('retention')).join('\n') || 'no folio_retention_purged metric');
    assert.ok(report.kept.documents >= 5 && report.kept.folioEvents >= 2 && report.kept.inboxMessages >= 1, JSON.stringify(report.kept));
  });
});

function assertSpec(d: ScheduleDescription): void {
  assert.equal(d.action.workflowType, 'retentionWorkflow');
  assert.equal(d.policies.overlap, 'SKIP');
  assert.ok(d.info.nextActionTimes.length > 0, 'no next run');
  for (const t of d.info.nextActionTimes) assert.deepEqual([t.getUTCHours(), t.getUTCMinutes()], [4, 41], `a run at ${t.toISOString()} is not at the configured ${CRON}`);
}

/** One item of every category, old and recent, still needed and not; old ones backdated in the store. */
async function seed(store: Store, db: Db) {
  const backdate = (name: string, id: unknown, set: Record<string, unknown>) => rawCollection(db, name).updateOne({ _id: id as never }, { $set: set });

  // folios: ended long ago, ended recently, in review (opened long ago)
  const folio = async (status: FolioStatus, updatedAt?: Date) => {
    const input = folioInput();
    const folioId = newFolioId();
    const request = { ...input, folioId, clientId: 'client-r', hotelId: 'h-r', receivedAt: new Date().toISOString(), guest: { ...input.guest, additionalNames: [] }, delivery: {}, priority: 'normal' as const };
    const workflowId = `folio-${folioId}`;
    await store.folios.create({ request, workflowId, clientReference: input.clientReference, requestHash: 'x' });
    await store.folios.project(folioId, 5, { workflowId, clientId: 'client-r', clientReference: input.clientReference, hotelId: 'h-r', checkOut: input.checkOut, status, nextAction: null, nextActionAt: null, attention: null, reviewReasons: null, attempts: { calls: 0, emails: 0, reminders: 0, callbacks: 0 } });
    if (updatedAt) await backdate(COLLECTIONS.folios, folioId, { updatedAt, createdAt: updatedAt });
    await store.folios.appendEvents([1, 2].map((seq) => ({ eventId: `${folioId}:${seq}`, folioId, type: 'StatusChanged' as never, seq, at: OLD.toISOString() })));
    return folioId;
  };
  const folios = { endedOld: await folio(FolioStatus.Completed, OLD), endedRecent: await folio(FolioStatus.Completed), inReview: await folio(FolioStatus.NeedsReview, OLD) };

  // documents, all stored long ago except `recent`
  const doc = async (text: string, meta: Partial<DocumentRef> = {}) => {
    const ref = await store.documents.save(Buffer.from(`%PDF-1.4 ${text} ${randomUUID()}`), { source: 'email', filename: `${text}.pdf`, ...meta });
    return ref;
  };
  const age = (ref: DocumentRef) => backdate(`${COLLECTIONS.documents}.files`, ref.documentId, { uploadDate: OLD });
  const original = await doc('original');
  const attach = async (folioId: string, ref: DocumentRef) => {
    await store.folios.project(folioId, 6, { ...(await listFields(store, folioId)), document: ref });
    const updated = (await store.folios.get(folioId))!;
    if (folioId !== folios.endedRecent) await backdate(COLLECTIONS.folios, folioId, { updatedAt: OLD });
    return updated;
  };
  const docs = {
    endedOld: (await doc('ended-old')).documentId,
    endedRecent: (await doc('ended-recent')).documentId,
    inReview: (await doc('in-review', { derivedFrom: { documentId: original.documentId, pages: { from: 1, to: 1 } } })).documentId,
    originalOfInReview: original.documentId,
    orphan: (await doc('orphan')).documentId,
    unmatchedHeld: (await doc('unmatched-held')).documentId,
    recent: (await doc('recent')).documentId,
    /** Came in a reply to an open folio, not (yet) on the folio's record. */
    viaMessage: (await doc('via-message')).documentId,
  };
  await attach(folios.endedOld, (await store.documents.find(docs.endedOld))!);
  await attach(folios.endedRecent, (await store.documents.find(docs.endedRecent))!);
  await attach(folios.inReview, (await store.documents.find(docs.inReview))!);
  for (const id of [docs.endedOld, docs.endedRecent, docs.inReview, docs.originalOfInReview, docs.orphan, docs.unmatchedHeld, docs.viaMessage]) await age((await store.documents.find(id))!);

  // handled messages
  const handled = (key: string, folioIds: string[], processedAt: Date, documentIds: string[] = []) => store.inbox.markProcessed({ _id: key, uid: 1, uidValidity: '1', outcome: 'signalled', folioIds, documentIds, processedAt });
  await handled('old-ended@hotel', [folios.endedOld], OLD);
  await handled('old-open@hotel', [folios.inReview], OLD, [docs.viaMessage]);
  await handled('recent@hotel', [folios.endedOld], new Date());

  // unmatched: one long ago, one recent holding an old document
  const unmatched = (id: string, receivedAt: Date, documents: DocumentRef[]) => store.unmatched.put({ _id: id, from: 'someone@example.com', subject: 'folio', receivedAt, reason: 'no rule matched', candidates: [], documents, rejectedAttachments: [], textExcerpt: 'Guest Ada Lovelace' });
  await unmatched('unmatched-old', OLD, []);
  await unmatched('unmatched-recent', new Date(), [(await store.documents.find(docs.unmatchedHeld))!]);

  // callbacks: delivered long ago and recently; dead letters long ago and recently
  const callback = async (id: string, state: 'delivered' | 'dead', at: Date) => {
    await store.callbacks.accept({ _id: id, source: 'twilio', workflowId: 'call:x', signal: 'callStatus', payloads: [{ metadata: {}, data: 'c2VjcmV0' }] });
    await backdate(COLLECTIONS.callbackInbox, id, state === 'delivered' ? { state, deliveredAt: at, outcome: 'sent' } : { state });
    if (state === 'dead') {
      await store.deadLetters.add({ kind: 'callback', key: id, subject: 'callStatus to call:x', reason: 'refused', attempts: 5 });
      await backdate(COLLECTIONS.deadLetters, `callback:${id}`, { failedAt: at });
    }
  };
  await callback('cb-delivered-old', 'delivered', OLD);
  await callback('cb-delivered-recent', 'delivered', new Date());
  await callback('cb-dead-old', 'dead', OLD);
  await callback('cb-dead-recent', 'dead', new Date());

  // calls: one long ago (context, transcript, an expired recording), one recent
  const call = async (callId: string, startedAt: Date, expiresAt: Date) => {
    const context = { hotel: { hotelId: 'h-r' }, guests: [{ guestName: 'Ada Lovelace', confirmationNumber: 'CNF123456' }], replyTo: 'folios+t@folio.test', language: 'en' } as never;
    await store.calls.beginPlacing(callId, { hotelId: 'h-r', folioIds: [folios.endedOld], clientIds: ['client-r'], to: '+442071234567', context });
    await store.calls.update(callId, { transcript: { conversationId: 'c', summary: 'Ada Lovelace folio', callSuccessful: 'success', turns: [{ role: 'agent', message: 'CNF123456' }] } });
    const rec = await store.recordings.save(Buffer.from(`RIFF ${callId}`), { callId, recordingSid: `RE${callId}`, durationSeconds: 3, contentType: 'audio/wav', expiresAt });
    await store.calls.update(callId, { recording: { fileId: rec.fileId, expiresAt } });
    await backdate(COLLECTIONS.calls, callId, { startedAt });
  };
  const oldCall = `call-old-${randomUUID()}`;
  const recentCall = `call-recent-${randomUUID()}`;
  await call(oldCall, OLD, new Date(Date.now() - DAY_MS));
  await call(recentCall, new Date(), new Date(Date.now() + 90 * DAY_MS));
  return { folios, docs, oldCall, recentCall };
}

/** A folio's list fields as its workflow would write them again (to add its document). */
async function listFields(store: Store, folioId: string) {
  const f = (await store.folios.get(folioId))!;
  return { workflowId: f.workflowId, clientId: f.clientId, clientReference: f.clientReference, hotelId: f.hotelId, checkOut: f.checkOut, status: f.status, nextAction: null, nextActionAt: null, attention: null, reviewReasons: null, attempts: { calls: 0, emails: 0, reminders: 0, callbacks: 0 } };
}
