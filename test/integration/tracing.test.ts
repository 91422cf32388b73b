// One trace from `POST /v1/folios` to the hotel's phone line: the real API, worker, inbox monitor and sandbox
// processes, tracing to the sandbox's file exporter as configured by the environment, one folio at a hotel
// whose front desk agrees on the phone and emails the folio. The spans must link up: the API's request, the
// workflow start, the folio workflow and its activities, the hotel's dispatcher started from an activity,
// the call workflow and its activities, and the Twilio callbacks about that call, continued in its trace.
import assert from 'node:assert/strict';
import { temporal as temporalProto } from '@temporalio/proto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Store } from '../../adapters/mongo/store';
import { ApiKeys } from '../../api/auth';
import { HotelConfig } from '../../domain/schemas';
import { FolioStatus, hotelDispatchWorkflowId } from '../../domain/model';
import { SANDBOX_ENV } from '../../scripts/dev-stack';
import type { SpanRecord } from '../../observability/tracing';
import { allDay, daysFromNow } from '../helpers/lifecycle-world';
import { freePort, ROOT, startMongo, startProcess, startTemporal, tempDir } from '../helpers/stack';
import { portOpen } from '../../scripts/supervisor';

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM'); // each process flushes its spans on the way out
  await exited;
}

describe('tracing: one trace from the API request through the workflows, activities and webhooks', function () {
  this.timeout(240_000);

  it('links every span of a folio that completes over the phone and email', async () => {
    const mongo = await startMongo();
    const temporal = await startTemporal();
    const dbName = `tracing_${process.pid}`;
    const store = new Store(mongo.client.db(dbName));
    await store.ensureIndexes();
    const hotelId = `trace-${process.pid}`;
    // a hotel of this test's own (the dev server is shared: its dispatcher id must be new), answering as the sandbox's person-agree profile
    await store.hotels.upsert(HotelConfig.parse({ hotelId, name: 'Trace Hotel', phone: `+1555019${String(process.pid % 10_000).padStart(4, '0')}`, emails: [`frontdesk@${hotelId}.example`], timeZone: 'Europe/London', country: 'GB', language: 'en', businessHours: allDay, sandboxProfile: 'person-agree' }));
    const { key } = await new ApiKeys(store.apiKeys).create({ clientId: 'trace-client', role: 'client' });
    const dataDir = tempDir('tracing');
    chmodSync(dataDir, 0o711); // Dovecot's own user reads the mail system's files below it
    const spansFile = path.join(dataDir, 'spans.jsonl');
    const [apiPort, twilioPort, elevenPort, smtpPort, imapPort, metricsPort, opsPort, workerOpsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const env: Record<string, string> = {
      ...SANDBOX_ENV,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `tracing-${process.pid}`,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: dbName,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TRACING_EXPORTER: 'file',
      TRACING_FILE: spansFile,
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      METRICS_PORT: String(metricsPort),
      API_OPS_PORT: String(opsPort),
      WORKER_OPS_PORT: String(workerOpsPort),
      TWILIO_API_BASE_URL: `http://127.0.0.1:${twilioPort}`,
      ELEVENLABS_BASE_URL: `http://127.0.0.1:${elevenPort}`,
      SANDBOX_TWILIO_PORT: String(twilioPort),
      SANDBOX_ELEVENLABS_PORT: String(elevenPort),
      SMTP_PORT: String(smtpPort),
      IMAP_PORT: String(imapPort),
      SANDBOX_REPLY_DELAY_SECONDS: '1',
      BATCH_WINDOW_SECONDS: '1',
      INBOX_POLL_SECONDS: '5',
    };
    const node = (name: string, file: string) => startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, file)], { env: { ...env, OTEL_SERVICE_NAME: name }, cwd: ROOT });
    const sandbox = node('folio-sandbox', 'sandbox/server.ts');
    const deadline = Date.now() + 180_000;
    const until = async (what: string, ok: () => Promise<boolean>, state = () => '') => {
      while (!(await ok().catch(() => false))) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what} ${state()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await until('the sandbox', () => portOpen(imapPort));
    const processes = [node('folio-worker', 'workers/main.ts'), node('folio-inbox-monitor', 'workers/inbox-monitor.ts'), node('folio-api', 'api/server.ts')];
    const base = `http://127.0.0.1:${apiPort}`;
    await until('the API', async () => (await fetch(`http://127.0.0.1:${opsPort}/health/ready`)).ok);

    const created = await fetch(`${base}/v1/folios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientReference: 'trace-1', guest: { firstName: 'Grace', lastName: 'Hopper' }, confirmationNumber: 'TR123456', checkIn: daysFromNow(-4), checkOut: daysFromNow(-2), hotel: { hotelId } }),
    });
    assert.equal(created.status, 202, await created.clone().text());
    const { folioId } = (await created.json()) as { folioId: string };
    let seen = '';
    await until(
      'the folio to complete',
      async () => {
        const p = await store.folios.get(folioId);
        seen = `(it is ${p?.status}: ${JSON.stringify(p?.nextAction ?? p?.attention ?? '')})`;
        return p?.status === FolioStatus.Completed;
      },
      () => seen,
    );
    // the projection says Completed before the workflow delivers and ends: its run span is written when it ends
    const { workflowId } = (await store.folios.get(folioId))!;
    const ended = (id: string) => async () => {
      // the raw service call: the memo is encrypted with the stack's key, which this test's client does not hold
      const d = await temporal.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: id } });
      return d.workflowExecutionInfo?.status === temporalProto.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
    };
    await until('the folio workflow to end', ended(workflowId));
    // the hotel's dispatcher ends too, with nothing pending at the hotel: its run span is written then
    await until("the hotel's dispatcher to end", ended(hotelDispatchWorkflowId(hotelId)));
    // the worker's projection writes of that folio are measured on its operations endpoint, where Prometheus scrapes them
    const lag = (await (await fetch(`http://127.0.0.1:${workerOpsPort}/metrics`)).text()).match(/^folio_projection_lag_seconds_count (\d+)$/m);
    assert.ok(Number(lag?.[1]) > 0, `the worker counted no projection write: ${lag?.[0]}`);
    for (const p of [...processes, sandbox]) await stop(p);

    assert.ok(existsSync(spansFile), 'no span was written to the file exporter');
    const spans = readFileSync(spansFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpanRecord);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const find = (pred: (s: SpanRecord) => boolean, what: string, among = spans) => {
      const found = among.find(pred);
      assert.ok(found, `no span ${what}`);
      return found;
    };
    const request = (s: SpanRecord, method: string, target: RegExp) => s.service === 'folio-api' && s.kind === 'SERVER' && s.attributes['http.method'] === method && target.test(String(s.attributes['http.target']));
    const root = find((s) => request(s, 'POST', /^\/v1\/folios$/), 'for the POST /v1/folios request');
    const trace = spans.filter((s) => s.traceId === root.traceId);
    const named = (name: string) => find((s) => s.name === name, `${name} in the request's trace`, trace);
    const parentOf = (s: SpanRecord) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const ancestors = (s: SpanRecord) => {
      const chain: SpanRecord[] = [];
      for (let p = parentOf(s); p; p = parentOf(p)) chain.push(p);
      return chain;
    };

    // the API request → the workflow start → the folio workflow → its activities (each a child of the one before)
    const start = named('StartWorkflow:folioWorkflow');
    assert.ok(ancestors(start).includes(root), 'the workflow start is not inside the API request');
    const run = named('RunWorkflow:folioWorkflow');
    assert.equal(run.service, 'folio-worker');
    assert.equal(run.parentSpanId, start.spanId);
    const enqueue = named('RunActivity:enqueueAtHotel');
    assert.equal(parentOf(enqueue)?.name, 'StartActivity:enqueueAtHotel');
    assert.equal(parentOf(parentOf(enqueue)!)?.spanId, run.spanId);
    // the activity starts the hotel's dispatcher, which starts the call, whose activity places it
    const signalWithStart = named('SignalWithStartWorkflow:hotelDispatchWorkflow');
    assert.equal(signalWithStart.parentSpanId, enqueue.spanId);
    assert.equal(parentOf(named('HandleSignal:enqueue'))?.spanId, signalWithStart.spanId);
    const startCall = named('StartChildWorkflow:callWorkflow');
    const callRun = named('RunWorkflow:callWorkflow');
    assert.equal(callRun.parentSpanId, startCall.spanId);
    const placeCall = named('RunActivity:placeCall');
    assert.ok(ancestors(placeCall).includes(callRun), 'placeCall is not inside the call workflow');

    // Twilio's callbacks: each starts a trace of its own at the API, continued in the call's trace (linked)
    const webhooks = trace.filter((s) => s.name.startsWith('webhook /v1/webhooks/twilio/'));
    assert.ok(webhooks.length >= 3, `only ${webhooks.length} Twilio callbacks in the folio's trace`);
    for (const w of webhooks) {
      assert.equal(w.parentSpanId, startCall.spanId, `${w.name} is not continued from the call's start`);
      const incoming = byId.get(w.links[0]?.spanId ?? '');
      assert.ok(incoming && request(incoming, 'POST', /^\/v1\/webhooks\/twilio\//) && incoming.traceId !== root.traceId, `${w.name} does not link the callback's own request span`);
    }
    const statusSignal = find((s) => s.name === 'SignalWorkflow:twilioStatus' && ancestors(s).some((a) => a.name === 'webhook /v1/webhooks/twilio/status'), 'signalling a Twilio status from a callback', trace);
    assert.equal(find((s) => s.name === 'HandleSignal:twilioStatus' && s.parentSpanId === statusSignal.spanId, 'handling that signal in the call workflow', trace).service, 'folio-worker');

    // every span of the trace hangs off an exported parent: every workflow it touched has ended (a workflow's
    // run span is exported when the run ends; no call-slot workflow runs)
    const orphans = new Map<string, string[]>();
    for (const s of trace) if (s !== root && !byId.has(s.parentSpanId ?? '')) orphans.set(s.parentSpanId!, [...(orphans.get(s.parentSpanId!) ?? []), s.name]);
    assert.deepEqual([...orphans], [], 'spans whose parent was never exported');
    assert.equal(parentOf(startCall)?.name, 'RunWorkflow:hotelDispatchWorkflow', "the call is started by the dispatcher's run");
    process.stdout.write(`      (${trace.length} spans in the folio's trace from ${new Set(trace.map((s) => s.service)).size} processes; ${spans.length} spans written)\n`);
  });
});
