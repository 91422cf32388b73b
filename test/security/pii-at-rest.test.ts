// Personal data at rest in MongoDB (issue 14, item 14): someone with a copy of the database (a backup, a
// replica, a stolen disk) reads every stored record and GridFS chunk raw and finds no guest name, confirmation
// number, transcript line, recording or PDF bytes; the API still shows them to the owning client. A key rotation
// re-seals everything under the new key id; altered ciphertext is refused with a clear error.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BSON, GridFSBucket, type Db } from 'mongodb';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { FieldCrypto, isEnvelope } from '../../adapters/mongo/field-crypto';
import { COLLECTIONS } from '../../adapters/mongo/collections';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { startMailResponder, staticDirectory, type MailResponder } from '../../sandbox/hotels/mail-responder';
import { FolioStatus } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { edgeFor } from '../../temporal/edge';
import { dataConverter } from '../../temporal/data-converter';
import { SANDBOX_KEY_SEED } from '../../temporal/codec';
import { startMongo, startTemporal } from '../helpers/stack';
import { startMail, mailEnv } from '../helpers/mail';
import { startEmailWorker } from '../helpers/email-worker';
import { call, startApi, type ApiHandle } from '../helpers/api';
import { allDay, daysFromNow } from '../helpers/dates';
import { waitUntil } from '../helpers/inbox';
import { rawCollection } from '../helpers/raw-db';
import { runRotation } from '../../scripts/rotate-field-keys';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';

/** Where personal data lives (besides what this item leaves out: emails, unmatched and processed messages). */
const PII_COLLECTIONS = [COLLECTIONS.folios, COLLECTIONS.folioDetails, COLLECTIONS.events, COLLECTIONS.calls, 'documents.files', 'documents.chunks', 'recordings.files', 'recordings.chunks'];
const SANDBOX_KEY = createHash('sha256').update(SANDBOX_KEY_SEED).digest().toString('base64');

/** Every stored record of these collections, as BSON bytes (what a dump holds) and as extended JSON. */
async function rawDump(db: Db, collections = PII_COLLECTIONS): Promise<{ bytes: Buffer; json: string }> {
  const parts: Buffer[] = [];
  const texts: string[] = [];
  for (const name of collections) {
    for (const doc of await rawCollection(db, name).find({}).toArray()) {
      parts.push(Buffer.from(BSON.serialize(doc)));
      texts.push(BSON.EJSON.stringify(doc));
    }
  }
  return { bytes: Buffer.concat(parts), json: texts.join('\n') };
}

function assertNowhere(dump: { bytes: Buffer; json: string }, secrets: (string | Buffer)[]) {
  for (const s of secrets) {
    const label = Buffer.isBuffer(s) ? `${s.length} bytes of the file` : `"${s}"`;
    assert.ok(!dump.bytes.includes(s), `${label} readable in the raw records`);
    if (!Buffer.isBuffer(s)) assert.ok(!dump.json.toLowerCase().includes(s.toLowerCase()), `${label} readable in the records' JSON`);
  }
}

/** Every envelope in a record, at any depth. */
function envelopes(v: unknown, out: { k: string }[] = []): { k: string }[] {
  if (isEnvelope(v)) out.push(v);
  else if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Date) && (v as { _bsontype?: string })._bsontype === undefined) for (const x of Object.values(v)) envelopes(x, out);
  return out;
}

describe('security: personal data at rest in MongoDB (item 14)', function () {
  this.timeout(240_000);

  describe('folios, their timeline and documents, through the API and the mail system', () => {
    let api: ApiHandle;
    let monitor: InboxMonitor;
    let responder: MailResponder;
    let mailer: Mailer;
    let stopWorker: (() => Promise<void>) | undefined;
    let db: Db;
    let mongoUri = '';
    const run = randomUUID().slice(0, 6);
    const hotelId = `atrest-${run}`;
    // letters only: the folio's name check compares names, and digits are no part of one
    const guest = { firstName: 'Philippa', lastName: `Quartermaine${run.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}` };
    const confirmation = `QX${run.toUpperCase()}77`;
    let folioId = '';
    let pdf: Buffer = Buffer.alloc(0);
    // after the rotation test: the ring with the old and the new key, and an API and a store using it
    const keys = `sandbox-dev:${SANDBOX_KEY},rot-${run}:${randomBytes(32).toString('base64')}`;
    let rotatedApi: ApiHandle | undefined;
    const rotatedStore = () => new Store(db, { crypto: FieldCrypto.fromConfig({ MODE: 'sandbox', PAYLOAD_KEYS: keys, PAYLOAD_ACTIVE_KEY_ID: undefined }) });

    before(async () => {
      const [env, mongo, mail] = await Promise.all([startTemporal(), startMongo(), startMail()]);
      db = mongo.db();
      mongoUri = mongo.uri;
      const store = new Store(db);
      api = await startApi({ db, env: { ...mailEnv(mail, 'atrest'), TEMPORAL_TASK_QUEUE: `atrest-${run}`, BATCH_WINDOW_SECONDS: '2', LOG_LEVEL: 'warn' } });
      mailer = new Mailer(api.config);
      ({ stop: stopWorker } = await startEmailWorker({ env, config: api.config, store, mailer, documents: store.documents, client: api.temporal, dataConverter: dataConverter(api.config) }));
      responder = startMailResponder({ mail, delayMs: 200, directory: staticDirectory({ [`frontdesk@${hotelId}.example`]: { hotelId, name: 'Hotel Am Ring', profile: 'replies-with-pdf', language: 'de' } }) });
      monitor = new InboxMonitor({ config: api.config, store, signaler: edgeFor(api.temporal, api.config), pollIntervalMs: 500, logger: logger.child({}, { level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
      monitor.start();
      await store.hotels.upsert(HotelConfig.parse({ hotelId, name: 'Hotel Am Ring', phone: '+493012345679', timeZone: 'Europe/Berlin', country: 'DE', language: 'de', emails: [`frontdesk@${hotelId}.example`], businessHours: allDay, channelPreference: 'email-only', sandboxProfile: 'replies-with-pdf' }));

      const r = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: { clientReference: `r-${run}`, guest, confirmationNumber: confirmation, checkIn: daysFromNow(-4), checkOut: daysFromNow(-2), hotel: { hotelId } } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      folioId = r.body.folioId;
      let last: { status?: string; attention?: string; nextAction?: string } = {};
      await waitUntil(async () => (last = (await call(api.url, 'GET', `/v1/folios/${folioId}`, { key: api.keys.a })).body).status === FolioStatus.Completed, 150_000, `folio ${folioId} to complete`).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(last)}`);
      });
      const doc = await call(api.url, 'GET', `/v1/folios/${folioId}/document`, { key: api.keys.a });
      assert.equal(doc.status, 200);
      pdf = doc.body as Buffer;
    });
    after(async () => {
      await monitor?.stop();
      await responder?.stop();
      await stopWorker?.();
      mailer?.close();
      await rotatedApi?.close();
      await api?.close();
    });

    it('no guest name, confirmation number or PDF byte is readable in the raw records; the owning client reads them all', async () => {
      // the client sees its guest, the booking and what was read from the folio
      const view = (await call(api.url, 'GET', `/v1/folios/${folioId}`, { key: api.keys.a })).body;
      assert.equal(view.request.guest.lastName, guest.lastName);
      assert.equal(view.request.confirmationNumber, confirmation);
      assert.ok(JSON.stringify(view.extracted.guestNames).toLowerCase().includes(guest.lastName.toLowerCase()), JSON.stringify(view.extracted));
      assert.match(view.document.filename, new RegExp(confirmation));
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      const events = JSON.stringify((await call(api.url, 'GET', `/v1/folios/${folioId}/events`, { key: api.keys.operator })).body.items);
      assert.ok(events.length > 100);
      // the other client sees nothing of it
      assert.equal((await call(api.url, 'GET', `/v1/folios/${folioId}`, { key: api.keys.b })).status, 404);

      const dump = await rawDump(db);
      const windows = [0, 1, 2, 3].map((i) => pdf.subarray(Math.floor((i * pdf.length) / 4), Math.floor((i * pdf.length) / 4) + 32));
      assertNowhere(dump, [guest.lastName, guest.firstName, confirmation, `Folio_${confirmation}`, '%PDF-', ...windows]);
      // what is sealed says which key
      const details = await rawCollection(db, COLLECTIONS.folioDetails).findOne({ _id: folioId });
      assert.deepEqual([...new Set(envelopes(details).map((e) => e.k))], ['sandbox-dev']);
    });

    it('rotation: with a new key active the script re-seals everything under it; the API (with both keys) still reads it all', async () => {
      const rotated = rotatedStore();
      const report = await rotated.rotateFieldKeys({ batchSize: 3 });
      assert.equal(report.activeKeyId, `rot-${run}`);
      assert.ok(report.resealed[COLLECTIONS.folioDetails]! >= 2 && report.resealed[COLLECTIONS.events]! >= 3 && report.resealed.documents! >= 1, JSON.stringify(report));
      // every sealed value and file in the database now carries the new key id
      for (const name of [COLLECTIONS.folioDetails, COLLECTIONS.events, 'documents.files']) {
        for (const doc of await rawCollection(db, name).find({}).toArray()) for (const e of envelopes(doc)) assert.equal(e.k, `rot-${run}`, `${name} ${String(doc._id)}`);
      }
      assert.equal((await rotated.rotateFieldKeys()).resealed[COLLECTIONS.folioDetails], 0, 'a second run finds nothing left');
      assertNowhere(await rawDump(db), [guest.lastName, confirmation, '%PDF-']);

      const after = (rotatedApi = await startApi({ db, env: { PAYLOAD_KEYS: keys } }));
      const view = (await call(after.url, 'GET', `/v1/folios/${folioId}`, { key: after.keys.operator })).body;
      assert.equal(view.request.guest.lastName, guest.lastName);
      assert.equal(view.document.filename, `Folio_${confirmation}.pdf`);
      const doc = await call(after.url, 'GET', `/v1/folios/${folioId}/document`, { key: after.keys.operator });
      assert.deepEqual(doc.body, pdf);
      // a process that lacks the new key names it instead of guessing
      const stale = await call(api.url, 'GET', `/v1/folios/${folioId}`, { key: api.keys.operator });
      assert.equal(stale.status, 500);
      assert.equal(stale.body.error.code, 'stored_record_unreadable');
      assert.match(stale.body.error.message, new RegExp(`key "rot-${run}".*not in PAYLOAD_KEYS`));
    });

    it('records stored before encryption read as they are, and the rotation encrypts them', async () => {
      const legacyId = `f-legacy-${run}`;
      const request = { folioId: legacyId, clientId: 'client-a', hotelId, clientReference: `legacy-${run}`, guest: { firstName: 'Old', lastName: `Plaintextson${run}` }, confirmationNumber: `OLD${run}`, checkIn: daysFromNow(-5), checkOut: daysFromNow(-3), receivedAt: new Date().toISOString() };
      const legacyPdf = Buffer.from(`%PDF-1.4\n% legacy folio of Plaintextson${run}\n%%EOF\n`);
      await new Promise<void>((resolve, reject) => new GridFSBucket(db, { bucketName: 'documents' }).openUploadStreamWithId(`doc-legacy-${run}` as never, `Folio_OLD${run}.pdf`, { metadata: { sha256: createHash('sha256').update(legacyPdf).digest('hex'), contentType: 'application/pdf', source: 'upload', filename: `Folio_OLD${run}.pdf` } }).once('finish', () => resolve()).once('error', reject).end(legacyPdf));
      const document = { documentId: `doc-legacy-${run}`, sha256: 'x', contentType: 'application/pdf', size: legacyPdf.length, filename: `Folio_OLD${run}.pdf`, source: 'upload' };
      await rawCollection(db, COLLECTIONS.folioDetails).insertOne({ _id: legacyId, request, document, seq: 1, updatedAt: new Date() });
      await rawCollection(db, COLLECTIONS.folios).insertOne({ _id: legacyId, workflowId: 'folio-legacy', clientId: 'client-a', clientReference: `legacy-${run}`, hotelId, status: FolioStatus.Completed, checkOut: request.checkOut, needsAttention: false, seq: 1, createdAt: new Date(), updatedAt: new Date() });

      const store = rotatedStore();
      assert.equal((await store.folios.get(legacyId))?.request?.guest.lastName, `Plaintextson${run}`);
      assert.deepEqual((await store.documents.read(`doc-legacy-${run}`)).bytes, legacyPdf);
      // the operator's script, configured by the environment as a process of the service is; the legacy record's request and document are two values
      const lines: string[] = [];
      assert.equal(await runRotation(['--batch-size', '2'], (l) => lines.push(l), { MONGODB_URI: mongoUri, MONGODB_DB: db.databaseName, PAYLOAD_KEYS: keys, LOG_LEVEL: 'silent' }), 0);
      assert.ok(lines.includes(`active key: rot-${run}`) && lines.includes(`${COLLECTIONS.folioDetails}: 2 re-sealed`) && lines.includes('documents: 1 re-sealed'), lines.join('\n'));
      assertNowhere(await rawDump(db), [`Plaintextson${run}`, `OLD${run}`]);
      assert.equal((await store.folios.get(legacyId))?.request?.confirmationNumber, `OLD${run}`);
      const read = await store.documents.read(`doc-legacy-${run}`);
      assert.deepEqual(read.bytes, legacyPdf);
      assert.equal(read.ref.filename, `Folio_OLD${run}.pdf`);
    });

    it('altered ciphertext is refused with an error naming the record; the listing and the other folios are unaffected', async () => {
      const api = rotatedApi!;
      const r = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: { clientReference: `t-${run}`, guest, confirmationNumber: `T${confirmation}`, checkIn: daysFromNow(5), checkOut: daysFromNow(8), hotel: { hotelId } } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const tamperedId = r.body.folioId as string;
      const details = rawCollection(db, COLLECTIONS.folioDetails);
      const stored = (await details.findOne({ _id: tamperedId }))!.request as { ct: { buffer: Uint8Array } };
      const ct = Buffer.from(stored.ct.buffer);
      ct[0] ^= 0x01;
      await details.updateOne({ _id: tamperedId }, { $set: { 'request.ct': ct } });

      const got = await call(api.url, 'GET', `/v1/folios/${tamperedId}`, { key: api.keys.a });
      assert.equal(got.status, 500);
      assert.equal(got.body.error.code, 'stored_record_unreadable');
      assert.match(got.body.error.message, new RegExp(`folio_details\\.request:${tamperedId}: .*integrity check`));
      const list = await call(api.url, 'GET', '/v1/folios?limit=100', { key: api.keys.a });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((i: { folioId: string }) => i.folioId === tamperedId));

      // a sealed value copied from another folio does not open there either
      const other = (await details.findOne({ _id: `f-legacy-${run}` }))!.request;
      await details.updateOne({ _id: tamperedId }, { $set: { request: other } });
      assert.equal((await call(api.url, 'GET', `/v1/folios/${tamperedId}`, { key: api.keys.a })).status, 500);
      // a damaged document chunk: the download is refused, not served altered
      const chunks = rawCollection(db, 'documents.chunks');
      const chunk = Buffer.from(((await chunks.findOne({ files_id: `doc-legacy-${run}` as never }))!.data as { buffer: Uint8Array }).buffer);
      chunk[chunk.length - 1] ^= 0x01;
      await chunks.updateOne({ files_id: `doc-legacy-${run}` as never }, { $set: { data: chunk } });
      await assert.rejects(rotatedStore().documents.read(`doc-legacy-${run}`), /integrity check/);
    });
  });

  describe('calls: context, outcomes, transcript and recording through the emulated phone line', () => {
    let w: TelephonyWorld;
    before(async () => {
      w = await startTelephonyWorld();
    });
    after(async () => w?.close());

    it('a conversation leaves no guest name, confirmation number, transcript line or audio readable; the repositories read them back', async () => {
      const hotel = await w.addHotel('person-agree');
      const { callId, guests, handle } = await w.startCall(hotel, { guests: 2 });
      assert.equal((await handle.result()).disposition, 'conversation');
      const doc = (await w.store.calls.get(callId))!;
      assert.deepEqual(doc.context?.guests.map((g) => g.confirmationNumber), guests.map((g) => g.confirmationNumber));
      const lines = (doc.transcript?.turns ?? []).map((t) => t.message).filter((m) => m.length >= 16);
      assert.ok(lines.length >= 2, JSON.stringify(doc.transcript));
      assert.ok(Object.keys(doc.outcomes ?? {}).length === 2);
      const audio = await w.store.recordings.read(doc.recording!.fileId);
      assert.equal(audio?.subarray(0, 4).toString(), 'RIFF');

      const dump = await rawDump(w.db, [COLLECTIONS.calls, 'recordings.files', 'recordings.chunks']);
      assertNowhere(dump, [...guests.flatMap((g) => [g.guestName, g.confirmationNumber]), ...lines, Buffer.from('RIFF'), audio!.subarray(64, 128)]);
      // (the WAV magic is looked for in the bytes only: four letters turn up by chance in the base64 of sealed audio)
      const raw = await rawCollection(w.db, COLLECTIONS.calls).findOne({ _id: callId });
      assert.ok(isEnvelope(raw?.context) && isEnvelope(raw?.transcript) && isEnvelope(raw?.outcomes), 'context, transcript and outcomes are sealed');
      // the webhooks and the media bridge still answer from the context
      assert.equal((await w.store.calls.context(callId))?.guests[0]?.guestName, guests[0]!.guestName);
    });
  });
});
