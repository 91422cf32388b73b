// Fault drill, bounded and on loopback only: while 12 folios at 4 hotels are being called, the hotels'
// side reaches the real API only as Twilio and ElevenLabs would (signed callbacks, the TwiML fetches, the
// media stream and the voice agent's tool calls, the post-call webhook) and floods it: every genuine
// callback 3-5 times, some at once; later statuses before earlier ones (Twilio's SequenceNumber per call);
// forgeries of every kind interleaved. Every forgery must be refused with its 4xx and counted, every genuine
// request accepted, nothing answered 5xx; every folio completes as in a clean run, each batch is called
// once, the workflows apply each outcome once, and the projections agree with the workflows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pino from 'pino';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { createApp } from '../../api/app';
import { createOpsApp } from '../../api/ops';
import { createMetrics } from '../../observability/metrics';
import { attachMediaBridge } from '../../api/media-bridge';
import type { ApiDeps } from '../../api/deps';
import { FolioStatus, folioWorkflowId, type CallResult, type FolioRequest } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { prng } from '../../sandbox/population';
import { TwilioMediaStream } from '../../sandbox/twilio/media-stream';
import { parseXml } from '../../sandbox/twilio/xml';
import { edgeFor } from '../../temporal/edge';
import { folioWorkflowType, documentReceivedSignal, folioStateQuery, type FolioState } from '../../workflows/definitions';
import { allDay, daysFromNow } from '../helpers/dates';
import { ProjectionWriter, projectionSinks } from '../../activities/projection-writer';
import { all, find, Flood, floodActivities, sleep, tally, within, type Placement, type Sent } from '../helpers/flood';
import { forger } from '../helpers/flood-forgeries';
import { drillLedger } from '../helpers/raw-db';
import { freePort, startMongo, startTemporal, workflowBundle } from '../helpers/stack';
import { elevenLabsRequest, hex, signElevenLabs, startToolCallingAgent, twilioRequest } from '../helpers/webhook-client';

const HOTELS = 4;
const GUESTS = [
  { firstName: 'Ada', lastName: 'Lovelace', additionalNames: [] },
  { firstName: 'Grace', lastName: 'Hopper', additionalNames: [] },
  { firstName: 'Alan', lastName: 'Turing', additionalNames: [] },
];
const IN_FLIGHT = 16;
const GREETING = 'Good morning, front desk, how can I help you?';


describe('fault drills: webhook flood', function () {
  this.timeout(300_000);

  let server: Server | undefined;
  let opsServer: Server | undefined;
  let closeBridge: (() => Promise<void>) | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let stopAgent: (() => Promise<void>) | undefined;
  after(async () => {
    await closeBridge?.();
    for (const s of [server, opsServer]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await stopAgent?.();
  });

  it('duplicates, reorderings and forgeries while folios are called: forgeries refused and counted, every folio completes once, projections agree', async () => {
    const seed = Number(process.env.DRILL_SEED ?? Date.now() % 2 ** 31);
    const rand = prng(seed);
    const copies = () => 3 + Math.floor(rand() * 3);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const shuffle = <T>(xs: T[]) => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    };

    const env = await startTemporal();
    const mongo = await startMongo();
    const run = randomUUID().slice(0, 6);
    const db = mongo.db(`flood_${process.pid}_${run}`);
    const store = new Store(db);
    await store.ensureIndexes();
    const agent = await startToolCallingAgent({ copies });
    stopAgent = agent.stop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const token = hex(16);
    const secret = `wsec_${hex(16)}`;
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      TEMPORAL_TASK_QUEUE: `flood-${run}-${randomUUID()}`,
      BATCH_WINDOW_SECONDS: '1',
      PUBLIC_BASE_URL: base,
      TWILIO_ACCOUNT_SID: `AC${hex(16)}`,
      TWILIO_AUTH_TOKEN: token,
      TWILIO_FROM_NUMBER: '+15005550006',
      ELEVENLABS_WEBHOOK_SECRET: secret,
      // no API key: the bridge opens the agent's public conversation socket, here the scripted agent
      ELEVENLABS_BASE_URL: agent.baseUrl,
      ELEVENLABS_AGENT_ID: 'agent_drill',
    });
    const accountSid = config.TWILIO_ACCOUNT_SID!;

    // The real API and media bridge; its error log is kept: a lost signal or an unhandled error shows there.
    const errors: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void (JSON.parse(line).level >= 50 && errors.push(line)) });
    const deps: ApiDeps = { config, store, temporal: edgeFor(env.client, config, logger), logger };
    const metrics = createMetrics(store);
    server = await new Promise<Server>((resolve) => {
      const s = createApp({ ...deps, metrics }).listen(port, '127.0.0.1', () => resolve(s));
    });
    // the operations port, where the request metrics are scraped
    const opsPort = await freePort();
    opsServer = await new Promise<Server>((resolve) => {
      const s = createOpsApp({ store, temporal: deps.temporal, metrics }).listen(opsPort, '127.0.0.1', () => resolve(s));
    });
    closeBridge = attachMediaBridge(server, deps).close;

    const projections = new ProjectionWriter(store);
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities: floodActivities(config, store, db, deps.temporal, projections),
      sinks: projectionSinks(projections),
    });
    running = worker.run();

    // 4 hotels × 3 guests who checked out two days ago: each hotel's folios are asked for in one call
    const stay = { clientId: 'drill', checkIn: daysFromNow(-4), checkOut: daysFromNow(-2), delivery: {}, priority: 'normal' as const };
    const requests: FolioRequest[] = [];
    for (let h = 0; h < HOTELS; h++) {
      const hotelId = `flood-${run}-${h}`; // dispatcher ids are per hotel: unique per run
      await store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Flood ${h}`, phone: `+4416329610${h}0`, timeZone: 'Europe/London', country: 'GB', language: 'en', emails: [`desk@${hotelId}.example`], businessHours: allDay }));
      requests.push(...GUESTS.map((guest, g) => ({ ...stay, hotelId, guest, folioId: randomUUID(), clientReference: `flood-${run}-${h}-${g}`, confirmationNumber: `FL${h}${g}00${h}`, receivedAt: new Date().toISOString() })));
    }
    for (const req of requests) {
      await env.client.workflow.start(folioWorkflowType.name, { args: [req, { checkoutGraceHours: 0 }], taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: folioWorkflowId(req.clientId, req.clientReference) });
    }
    const folioHandle = (req: FolioRequest) => env.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference));

    // ---- the flood -------------------------------------------------------------------------------
    const flood = new Flood(IN_FLIGHT);
    const { sent } = flood;
    const fire = flood.fire.bind(flood);
    const repeat = flood.repeat.bind(flood);
    const durations = new Map<string, number>();
    const recordingSids = new Map<string, string>();
    const summaries = new Map<string, string>();
    const forgeries = forger(flood, { base, token, secret, accountSid, greeting: GREETING });

    /** One call as the hotel's line (Twilio) and the voice agent (ElevenLabs) play it, under the flood. */
    async function playCall(p: Placement, index: number): Promise<void> {
      let streamUrl: string | undefined;
      // every forgery twice, each time in a random phase of the call
      const phases: (() => Promise<unknown>)[][] = [[], [], []];
      for (const forged of [...forgeries(p, () => streamUrl), ...forgeries(p, () => streamUrl)]) pick(phases).push(forged);
      const line = { AccountSid: accountSid, ApiVersion: '2010-04-01', CallSid: p.callSid, To: p.to, From: config.TWILIO_FROM_NUMBER!, Direction: 'outbound-api' };
      const status = (s: string, sequence: number, extra: Record<string, string> = {}) => ({ ...line, CallStatus: s, CallbackSource: 'call-progress-events', SequenceNumber: String(sequence), Timestamp: new Date().toUTCString(), ...extra });
      const signed = (url: string, params: Record<string, string>) => () => twilioRequest(url, params, { token });

      // Dialling: initiated (0), ringing (1), answered (2) and the asynchronous AMD result. The answer
      // is delivered first, before the ringing and initiated it followed.
      const ringing = signed(p.statusUrl, status('ringing', 1));
      const answered = signed(p.statusUrl, status('in-progress', 2));
      await fire('genuine', 'status in-progress before ringing', '2xx', answered());
      await all(
        shuffle([
          ...repeat('status initiated', copies(), signed(p.statusUrl, status('initiated', 0))),
          ...repeat('status ringing', copies(), ringing),
          ...repeat('status in-progress', copies() - 1, answered, true),
          ...repeat('amd human', copies(), signed(p.amdUrl, { AccountSid: accountSid, CallSid: p.callSid, AnsweredBy: 'human', MachineDetectionDuration: '1500' })),
          ...phases[0]!,
        ]),
      );

      // The TwiML: /voice listens to whoever answered, /ivr hears the front desk and connects the agent.
      const voice = await all(repeat('voice', copies(), signed(p.voiceUrl, { ...line, CallStatus: 'in-progress' })));
      const gather = find(parseXml(String(voice[0])), 'Gather');
      assert.ok(gather?.attrs.action, `the /voice TwiML listens for the menu or a person: ${String(voice[0])}`);
      const ivr = await all(repeat('ivr heard a person', copies(), signed(gather.attrs.action, { ...line, CallStatus: 'in-progress', SpeechResult: GREETING, Confidence: '0.91' })));
      const stream = find(parseXml(String(ivr[0])), 'Stream');
      assert.ok(stream?.attrs.url, `the /ivr TwiML connects the agent: ${String(ivr[0])}`);
      streamUrl = stream.attrs.url;
      const parameters = Object.fromEntries(stream.children.filter((c) => c.name === 'Parameter').map((c) => [c.attrs.name!, c.attrs.value ?? '']));

      // The conversation: the agent records each guest's outcome (each tool call repeated), then ends it.
      const media = new TwilioMediaStream({ url: streamUrl, parameters, accountSid, authToken: token, callSid: p.callSid, streamSid: `MZ${hex(16)}`, frameIntervalMs: 200 });
      const connection: Sent = { kind: 'genuine', what: 'media stream', expect: 101, http: false };
      sent.push(connection);
      await all([...phases[1]!, () => Promise.race([media.closed, sleep(60_000)])]);
      assert.equal(media.stats.closedBy, 'server', `the conversation of ${p.callId} ended by the bridge: ${JSON.stringify(media.stats)}`);
      const conv = agent.conversations.find((c) => c.callId === p.callId);
      assert.ok(conv, `the voice agent spoke on ${p.callId}`);
      const refused = conv.results.filter((r) => r.isError);
      assert.deepEqual({ answered: conv.results.length, refused }, { answered: conv.toolCallsSent, refused: [] }, `${p.callId}: the bridge took every tool call, repeats included`);
      connection.status = 101; // the bridge took the stream: the agent heard this call's guests

      // Hang-up: completed (3) first, then its retries, late retries of ringing and the answer, the
      // recording and the post-call webhook (each retry signed anew, as ElevenLabs does).
      const duration = 30 + index;
      durations.set(p.callId, duration);
      const recordingSid = `RE${hex(16)}`;
      recordingSids.set(p.callId, recordingSid);
      const completed = signed(p.statusUrl, status('completed', 3, { CallDuration: String(duration), Duration: '1' }));
      await fire('genuine', 'status completed before late retries', '2xx', completed());
      const summary = `The hotel agreed to email ${conv.folioIds.length} folio(s) (${p.callId}).`;
      summaries.set(p.callId, summary);
      const postCall = JSON.stringify({
        type: 'post_call_transcription',
        event_timestamp: Math.floor(Date.now() / 1000),
        data: {
          agent_id: 'agent_drill',
          conversation_id: conv.conversationId,
          status: 'done',
          transcript: [{ role: 'agent', message: 'Could you email the folios?' }, { role: 'user', message: 'Yes, I will.' }],
          analysis: { call_successful: 'success', transcript_summary: summary },
          conversation_initiation_client_data: { dynamic_variables: { call_id: p.callId } },
        },
      });
      const signatures: string[] = [];
      const t0 = Math.floor(Date.now() / 1000); // each retry signed at its own second
      const postCallCopies = copies();
      await all(
        shuffle([
          ...repeat('status completed', copies() - 1, completed, true),
          ...repeat('status ringing, late', 1 + Math.floor(rand() * 2), ringing, true),
          ...repeat('status in-progress, late', 1 + Math.floor(rand() * 2), answered, true),
          ...repeat('recording', copies(), signed(p.recordingUrl, { AccountSid: accountSid, CallSid: p.callSid, RecordingSid: recordingSid, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}`, RecordingStatus: 'completed', RecordingDuration: String(duration), RecordingChannels: '1', RecordingSource: 'OutboundAPI' })),
          ...Array.from({ length: postCallCopies }, (_, i) => () => {
            const signature = signElevenLabs(secret, postCall, t0 - i);
            signatures.push(signature);
            return fire(i === 0 ? 'genuine' : 'duplicate', 'post-call', '2xx', elevenLabsRequest(`${base}/v1/webhooks/elevenlabs/post-call`, postCall, signature));
          }),
          ...phases[2]!,
        ]),
      );
      // Replays of what was accepted: only once every original has been answered, so the original is the one let in.
      await all(signatures.slice(0, 2).map((s) => () => fire('forgery', 'post-call replayed', 403, elevenLabsRequest(`${base}/v1/webhooks/elevenlabs/post-call`, postCall, s))));
    }

    // ---- the hotels' side and the inbox: until every folio is done ----------------------------------
    const started = Date.now();
    const deadline = started + Number(process.env.DRILL_SECONDS ?? 240) * 1000;
    const placements = drillLedger<Placement>(db, 'drill_calls');
    const documents = store.documents;
    const played = new Set<string>();
    const playing: Promise<void>[] = [];
    const failures: string[] = [];
    const emailed = new Set<string>();
    let last: string[] = [];
    for (;;) {
      for (const p of await placements.find().toArray()) {
        if (played.has(p.callId)) continue;
        played.add(p.callId);
        playing.push(playCall(p, played.size).catch((e: unknown) => void failures.push(`${p.callId}: ${String(e)}`)));
      }
      assert.deepEqual(failures, [], 'the hotels played their calls');
      const states = await Promise.all(requests.map((r) => folioHandle(r).query(folioStateQuery).catch(() => undefined)));
      last = states.map((s) => (s ? `${s.status}: ${s.history.map((h) => h.status).join('>')}` : 'unqueryable'));
      assert.ok(Date.now() < deadline, `folios did not all complete within the drill's ${(deadline - started) / 1000} s (seed ${seed}): ${JSON.stringify(last)}`);
      // the hotels email the folios they promised (as the inbox monitor would signal them)
      for (const [i, s] of states.entries()) {
        const req = requests[i]!;
        if (s?.status !== FolioStatus.AwaitingEmail || emailed.has(req.folioId)) continue;
        const pdf = await renderFolioPdf({ hotelName: 'Flood', guests: [req.guest], arrival: req.checkIn, departure: req.checkOut, folioNumber: `F${req.confirmationNumber}`, confirmationNumber: req.confirmationNumber, currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
        await folioHandle(req).signal(documentReceivedSignal, await documents.save(pdf, { source: 'email', filename: 'folio.pdf' }));
        emailed.add(req.folioId);
      }
      if (states.every((s) => s?.status === FolioStatus.Completed)) break;
      await sleep(500);
    }
    await Promise.all(playing);
    assert.deepEqual(failures, [], 'the hotels played their calls');
    // a completed folio's workflow still writes its last projection, then returns
    await within(Promise.all(requests.map((r) => folioHandle(r).result())), deadline - Date.now() + 10_000, 'the folio workflows returned');
    const seconds = (Date.now() - started) / 1000;

    // ---- every request answered as the endpoint defines it ------------------------------------------
    const wrong = sent.filter((s) => (s.expect === '2xx' ? !(s.status! >= 200 && s.status! < 300) : s.status !== s.expect));
    assert.deepEqual(wrong, [], `every genuine request accepted, every forgery refused with its 4xx (seed ${seed})`);
    assert.deepEqual(sent.filter((s) => s.status === undefined || s.status >= 500), [], 'no request went unanswered or failed with a 5xx');
    assert.deepEqual(errors, [], 'the API logged no error (no lost signal, no unhandled failure)');

    // each rejection counted: the request metrics hold every status the flood saw, by route
    const scraped = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    const counted = new Map<string, number>();
    for (const m of scraped.matchAll(/^folio_api_requests_total\{method="POST",route="([^"]*)",status="(\d+)"\} (\d+)$/gm)) counted.set(`${m[1]} ${m[2]}`, Number(m[3]));
    const byStatus = (test: (status: number) => boolean) => [...counted].filter(([k]) => test(Number(k.split(' ')[1]))).reduce((n, [, v]) => n + v, 0);
    const http = sent.filter((s) => s.http);
    assert.equal(byStatus((s) => s >= 400 && s < 500), http.filter((s) => s.kind === 'forgery').length, `every refused request counted: ${JSON.stringify([...counted])}`);
    assert.equal(byStatus((s) => s < 300), http.filter((s) => s.kind !== 'forgery').length, 'every accepted request counted');
    assert.equal(byStatus((s) => s >= 500), 0, 'no 5xx counted');
    const unattributed = [...counted].filter(([k]) => !/^\/v1\/webhooks\/(twilio|elevenlabs)\/(voice|status|amd|ivr|recording|post-call) /.test(k));
    assert.deepEqual(unattributed, [], 'every request is counted under the webhook route it was sent to');

    // ---- the calls: one ring per batch, nothing the hotel did not say -------------------------------
    const rings = await placements.find().toArray();
    const perCall = tally(rings.map((r) => r.callId));
    assert.ok([...perCall.values()].every((n) => n === 1), `one placement per call id: ${JSON.stringify([...perCall])}`);
    const perFolio = tally(rings.flatMap((r) => r.folioIds));
    assert.deepEqual(requests.map((r) => perFolio.get(r.folioId)), requests.map(() => 1), 'no folio was called about twice');
    assert.equal(await drillLedger(db, 'drill_hangups').countDocuments(), 0, 'we never had to hang up or leave a voicemail: the hotel ended each call');
    assert.equal(await drillLedger(db, 'drill_emails').countDocuments(), 0, 'no email was needed, none was sent');

    let signals = 0;
    for (const r of rings) {
      const handle: WorkflowHandle = env.client.workflow.getHandle(r.callId);
      const result = (await handle.result()) as CallResult;
      assert.deepEqual(
        { disposition: result.disposition, answeredBy: result.answeredBy, durationSeconds: result.durationSeconds, callSid: result.callSid, outcomes: result.outcomes },
        { disposition: 'conversation', answeredBy: 'human', durationSeconds: durations.get(r.callId), callSid: r.callSid, outcomes: Object.fromEntries(r.folioIds.map((f) => [f, { kind: 'agreed' }])) },
        `call ${r.callId}: as the genuine callbacks said, untouched by the forged ones`,
      );
      const history = (await handle.fetchHistory()).events ?? [];
      signals += history.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      const scheduled = tally(history.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []));
      assert.deepEqual(Object.fromEntries(scheduled), { placeCall: 1, storeRecording: 1, storeCallAnalysis: 1, finishCall: 1 }, `call ${r.callId}: each activity once, whatever the repeats`);
      const projected = await store.calls.get(r.callId);
      assert.deepEqual(
        { disposition: projected?.disposition, outcomes: projected?.outcomes, callSid: projected?.callSid, durationSeconds: projected?.durationSeconds, answeredBy: (projected as { answeredBy?: string } | null)?.answeredBy },
        { disposition: result.disposition, outcomes: result.outcomes, callSid: result.callSid, durationSeconds: result.durationSeconds, answeredBy: result.answeredBy },
        `call ${r.callId}: the projection is the workflow's result`,
      );
      assert.equal(projected?.recording?.recordingSid, recordingSids.get(r.callId), `call ${r.callId}: the genuine recording kept`);
      assert.equal(await store.recordings.countForCall(r.callId), 1, `call ${r.callId}: one recording stored`);
      assert.equal(projected?.transcript?.summary, summaries.get(r.callId), `call ${r.callId}: the genuine post-call analysis kept`);
    }

    // ---- the folios: completed, each outcome once, projections equal to the workflow state -----------
    for (const req of requests) {
      const handle = folioHandle(req);
      const state: FolioState = await handle.query(folioStateQuery);
      const projected = await store.folios.get(req.folioId);
      assert.deepEqual(
        { status: projected?.status, attempts: projected?.attempts, document: projected?.document?.documentId, attention: projected?.attention ?? undefined },
        { status: state.status, attempts: state.attempts, document: state.document?.documentId, attention: state.attention },
        `projection of ${req.clientReference} equals its workflow state`,
      );
      assert.equal(state.status, FolioStatus.Completed, `${req.clientReference} completed`);
      assert.equal(state.attempts.calls, 1, `${req.clientReference} called about once`);
      const events = tally((await store.folios.timeline(req.folioId)).map((e) => e.type));
      assert.deepEqual(
        { CallCompleted: events.get('CallCompleted'), HotelAgreedToEmail: events.get('HotelAgreedToEmail'), FolioCompleted: events.get('FolioCompleted') },
        { CallCompleted: 1, HotelAgreedToEmail: 1, FolioCompleted: 1 },
        `${req.clientReference}: the call outcome recorded once`,
      );
      const outcomeSignals = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'callOutcome').length;
      assert.equal(outcomeSignals, 1, `${req.clientReference}: its dispatcher reported the call once`);
    }

    const genuine = sent.filter((s) => s.kind !== 'forgery').length;
    const duplicates = sent.filter((s) => s.kind === 'duplicate').length;
    const forged = sent.filter((s) => s.kind === 'forgery').length;
    const toolCalls = agent.conversations.reduce((n, c) => n + c.toolCallsSent, 0);
    process.stdout.write(
      `      drill: ${sent.length} requests (${genuine} genuine incl. ${duplicates} duplicates, ${forged} forgeries rejected), ${requests.length} folios completed in ${seconds.toFixed(1)} s, ${rings.length} calls; ${signals} signals (${toolCalls} tool calls) reached the call workflows, each outcome applied once (seed ${seed})\n`,
    );
  });
});
