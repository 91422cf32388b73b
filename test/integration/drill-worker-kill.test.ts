// Fault drill: the worker process is killed with SIGKILL three times while calls are in progress and
// started again each time. Every folio must still complete, no hotel gets two calls for one batch,
// nothing is lost, and the projections agree with the workflows. Bounded; loopback only.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Store } from '../../adapters/mongo/store';
import { GridFsDocumentStore } from '../../adapters/mongo/documents';
import { FolioStatus, folioWorkflowId, type FolioRequest } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { agentToolSignal, documentReceivedSignal, folioStateQuery, recordingReadySignal, twilioStatusSignal } from '../../workflows/definitions';
import { allDay, daysFromNow } from '../helpers/lifecycle-world';
import { ROOT, startMongo, startProcess, startTemporal, tempDir, workflowBundle } from '../helpers/stack';

describe('fault drill: worker killed with SIGKILL during calls', function () {
  this.timeout(300_000);

  it('every folio completes, with one call per batch and projections equal to workflow state', async () => {
    const env = await startTemporal();
    const mongo = await startMongo();
    const dbName = `drill_${process.pid}`;
    const store = new Store(mongo.client.db(dbName));
    await store.ensureIndexes();
    const bundlePath = path.join(tempDir('drill'), 'workflows.js');
    writeFileSync(bundlePath, (await workflowBundle()).code);
    const taskQueue = `drill-${randomUUID()}`;
    const childEnv = {
      TEMPORAL_ADDRESS: env.address,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: dbName,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BATCH_WINDOW_SECONDS: '1',
      DRILL_BUNDLE: bundlePath,
      LOG_LEVEL: 'warn',
    };
    const startWorker = async (): Promise<ChildProcess> => {
      const child = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/drill-worker.ts')], { env: childEnv, cwd: ROOT });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (b: Buffer) => b.toString().includes('worker ready') && resolve());
        child.once('exit', (code) => reject(new Error(`drill worker exited (${code}) before it was ready`)));
      });
      return child;
    };

    // 4 hotels × 3 guests: each hotel's folios are asked for in one call
    const requests: FolioRequest[] = [];
    for (let h = 0; h < 4; h++) {
      const hotelId = `drill-hotel-${h}`;
      await store.upsertHotel(HotelConfig.parse({ hotelId, name: `Drill ${h}`, phone: `+4416329600${h}0`, timeZone: 'Europe/London', country: 'GB', emails: [`desk@${hotelId}.example`], businessHours: allDay }));
      for (let g = 0; g < 3; g++) {
        requests.push({
          folioId: randomUUID(),
          clientId: 'drill',
          clientReference: `drill-${h}-${g}`,
          hotelId,
          guest: { firstName: ['Ada', 'Grace', 'Alan'][g]!, lastName: ['Lovelace', 'Hopper', 'Turing'][g]!, additionalNames: [] },
          confirmationNumber: `DR${h}${g}00${h}`,
          checkIn: daysFromNow(-4),
          checkOut: daysFromNow(-2),
          delivery: {},
          priority: 'normal',
          receivedAt: new Date().toISOString(),
        });
      }
    }

    let worker = await startWorker();
    for (const req of requests) {
      await env.client.workflow.start('folioWorkflow', { args: [req, { checkoutGraceHours: 0 }], taskQueue, workflowId: folioWorkflowId(req.clientId, req.clientReference) });
    }
    const handle = (req: FolioRequest) => env.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference));
    const documents = new GridFsDocumentStore(store.db);
    const sent = new Set<string>();
    let kills = 0;
    const started = Date.now();
    const deadline = started + Number(process.env.DRILL_SECONDS ?? 240) * 1000;
    // the hotels' side of each call: rings, a person answers, talks a while (the kills land here), agrees
    const played = new Set<string>();
    let seq = 0;
    const playCall = async (c: { callId: string; callSid: string; folioIds: string[] }) => {
      const h = env.client.workflow.getHandle(c.callId);
      const status = (s: string, answeredBy?: string) => h.signal(twilioStatusSignal, { callSid: c.callSid, status: s, sequence: ++seq, answeredBy });
      await status('ringing');
      await status('in-progress', 'human');
      await new Promise((r) => setTimeout(r, 1500));
      for (const folioId of c.folioIds) await h.signal(agentToolSignal, { toolCallId: `${c.callSid}:${folioId}`, folioId, outcome: { kind: 'agreed' } });
      await h.signal(recordingReadySignal, { recordingSid: `RE${c.callSid}`, recordingUrl: 'https://recordings.invalid/x', durationSeconds: 30 });
      await status('completed');
    };
    const hotels: Promise<void>[] = [];
    let last: unknown[] = [];
    for (;;) {
      for (const c of await store.db.collection<{ callId: string; callSid: string; folioIds: string[] }>('drill_calls').find().toArray()) {
        if (played.has(c.callId)) continue;
        played.add(c.callId);
        hotels.push(playCall(c));
      }
      assert.ok(Date.now() < deadline, `folios did not all complete within 4 minutes of the drill: ${JSON.stringify(last)}`);
      // the hotels email the folios they promised (as the inbox monitor would signal them)
      const states = await Promise.all(requests.map((r) => handle(r).query(folioStateQuery).catch(() => undefined)));
      for (const [i, s] of states.entries()) {
        const req = requests[i]!;
        if (s?.status === FolioStatus.AwaitingEmail && !sent.has(req.folioId)) {
          const pdf = await renderFolioPdf({ hotelName: `Drill`, guests: [req.guest], arrival: req.checkIn, departure: req.checkOut, folioNumber: `F${req.confirmationNumber}`, confirmationNumber: req.confirmationNumber, currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
          const ref = await documents.save(pdf, { source: 'email', filename: 'folio.pdf' });
          await handle(req).signal(documentReceivedSignal, ref);
          sent.add(req.folioId);
        }
      }
      last = states.map((s) => (s ? `${s.status}: ${s.history.map((h) => h.status).join('>')}` : 'unqueryable'));
      if (states.every((s) => s?.status === FolioStatus.Completed)) break;
      // kill the worker while calls are in progress (the first seconds), three times
      const calling = states.some((s) => s?.status === FolioStatus.Calling);
      if (kills < 3 && (calling || Date.now() - started > 4_000 * (kills + 1))) {
        worker.kill('SIGKILL');
        await new Promise((r) => worker.once('exit', r));
        kills++;
        worker = await startWorker();
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    worker.kill('SIGTERM');
    await Promise.all(hotels);

    assert.equal(kills, 3);
    const calls = await store.db.collection<{ callId: string; hotelId: string; folioIds: string[] }>('drill_calls').find().toArray();
    const perCallId = new Map<string, number>();
    for (const c of calls) perCallId.set(c.callId, (perCallId.get(c.callId) ?? 0) + 1);
    assert.ok([...perCallId.values()].every((n) => n === 1), `one placement per call id: ${JSON.stringify([...perCallId])}`);
    // every folio was asked for in exactly one call (folios that joined in time share their hotel's call)
    const callsPerFolio = new Map<string, number>();
    for (const c of calls) for (const f of c.folioIds) callsPerFolio.set(f, (callsPerFolio.get(f) ?? 0) + 1);
    assert.deepEqual(requests.map((r) => callsPerFolio.get(r.folioId)), requests.map(() => 1), 'no folio was called about twice');
    assert.equal(await store.db.collection('drill_emails').countDocuments(), 0, 'no email was needed, none was sent');
    for (const req of requests) {
      const p = await store.folios.findOne({ _id: req.folioId });
      assert.equal(p?.status, FolioStatus.Completed, `projection of ${req.clientReference}`);
    }
    process.stdout.write(`      drill: ${kills} SIGKILLs, ${requests.length} folios completed in ${((Date.now() - started) / 1000).toFixed(1)} s, ${calls.length} calls for 4 hotels\n`);
  });
});
