// Nothing received is lost (issue 14, item 10): signed Twilio and ElevenLabs callbacks to the real API
// process, answered while Temporal is down, then the API killed (SIGKILL) before it could relay them. A new
// API process relays each exactly once. What cannot be delivered becomes a dead letter an operator lists and
// replays, once, through the API.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import twilio from 'twilio';
import { Store } from '../../adapters/mongo/store';
import { ApiKeys } from '../../api/auth';
import { callWorkflowType, twilioStatusSignal } from '../../workflows/definitions';
import { edgeFor } from '../../temporal/edge';
import { callbackKey } from '../../adapters/callbacks/relay';
import { freePort, startMongo, startTemporalServer, type TemporalServer } from '../helpers/stack';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { signElevenLabs } from '../helpers/webhook-client';
import { waitUntil } from '../helpers/inbox';

const EventType = temporal.api.enums.v1.EventType;
const TOKEN = 'twilio-durable-token';
const SECRET = 'wsec_durable_secret';

describe('security: callbacks are written down before they are answered (item 10)', function () {
  this.timeout(240_000);
  let server: TemporalServer;
  let connection: Connection;
  let client: Client;
  let store: Store;
  let env: Record<string, string>;
  let port: number;
  let api: ApiProcess | undefined;

  before(async () => {
    const mongo = await startMongo();
    server = await startTemporalServer('durable-callbacks');
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    port = await freePort();
    const db = `durable_${process.pid}_${randomUUID().slice(0, 6)}`;
    store = new Store(mongo.client.db(db));
    env = { MONGODB_URI: mongo.uri, MONGODB_DB: db, TEMPORAL_ADDRESS: server.address, PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, TWILIO_AUTH_TOKEN: TOKEN, ELEVENLABS_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info', RELAY_GIVE_UP_SECONDS: '600' };
  });
  after(async () => {
    await api?.kill('SIGTERM');
    await connection?.close();
    await server?.stop();
  });

  // No worker: the call workflow's history alone shows which signals arrived, and how often.
  const startCall = async () => {
    const callId = `call-durable-${randomUUID()}`;
    await client.workflow.start(callWorkflowType.name, { taskQueue: `no-worker-${randomUUID()}`, workflowId: callId, args: [] });
    return callId;
  };
  const signalsIn = async (callId: string) =>
    (await client.workflow.getHandle(callId).fetchHistory()).events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).map((e) => e.workflowExecutionSignaledEventAttributes!.signalName!);
  const twilioStatus = async (callId: string, sequence: number) => {
    const url = `${env.PUBLIC_BASE_URL}/v1/webhooks/twilio/status?callId=${callId}`;
    const form = { CallSid: 'CA0123456789abcdef0123456789abcdef', CallStatus: 'ringing', SequenceNumber: String(sequence) };
    return fetch(`http://127.0.0.1:${port}/v1/webhooks/twilio/status?callId=${callId}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, url, form) }, body: new URLSearchParams(form).toString() });
  };
  const postCall = async (callId: string) => {
    const body = JSON.stringify({ type: 'post_call_transcription', event_timestamp: Math.floor(Date.now() / 1000), data: { conversation_id: `conv_${randomUUID().slice(0, 8)}`, transcript: [], analysis: { transcript_summary: 'agreed', call_successful: 'success' }, conversation_initiation_client_data: { dynamic_variables: { call_id: callId } } } });
    return fetch(`http://127.0.0.1:${port}/v1/webhooks/elevenlabs/post-call`, { method: 'POST', headers: { 'content-type': 'application/json', 'elevenlabs-signature': signElevenLabs(SECRET, body) }, body });
  };

  it('callbacks answered while Temporal is down survive a SIGKILL of the API: the next API process applies each once', async () => {
    const callId = await startCall();
    api = await startApiProcess(env, port);
    await server.stop();
    assert.equal((await twilioStatus(callId, 1)).status, 204);
    assert.equal((await twilioStatus(callId, 1)).status, 204, "Twilio's retry of the same callback");
    assert.equal((await postCall(callId)).status, 204);
    await api.kill('SIGKILL');
    await server.start();
    api = await startApiProcess(env, port);
    await waitUntil(async () => (await signalsIn(callId)).length >= 2, 60_000, 'both callbacks to reach the workflow');
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual((await signalsIn(callId)).sort(), ['postCall', 'twilioStatus'], 'each applied exactly once');
  });

  it('a callback sent again under its key (a relay died after sending, before recording it) is applied once', async () => {
    const callId = await startCall();
    const edge = edgeFor(client, { TEMPORAL_TASK_QUEUE: 'unused' });
    const status = { callSid: 'CA1', status: 'ringing', sequence: 3 };
    const payloads = await edge.encode([status]);
    const key = callbackKey(callId, twilioStatusSignal.name, [status]);
    for (let i = 0; i < 3; i++) assert.equal(await edge.sendEncoded(callId, twilioStatusSignal.name, payloads, key), 'sent');
    assert.deepEqual(await signalsIn(callId), ['twilioStatus'], 'three sends, one signal');
    await edge.sendEncoded(callId, twilioStatusSignal.name, payloads, `${key}-other`);
    assert.equal((await signalsIn(callId)).length, 2, 'under another request id it would have been applied again');
  });

  it('a callback that cannot be delivered is a dead letter an operator lists and replays, once', async () => {
    await api?.kill('SIGTERM');
    api = await startApiProcess({ ...env, RELAY_GIVE_UP_SECONDS: '2' }, port);
    const callId = await startCall();
    const keys = new ApiKeys(store.apiKeys);
    const [ops, clientKey] = await Promise.all([keys.create({ clientId: 'ops', role: 'operator' }), keys.create({ clientId: 'client-a', role: 'client' })]);
    const get = (path: string, key: string, method = 'GET') => fetch(`${api!.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
    await server.stop();
    try {
      assert.equal((await twilioStatus(callId, 7)).status, 204);
      let letter: { deadLetterId: string; reason: string; subject: string } | undefined;
      await waitUntil(async () => {
        const list = (await (await get('/v1/dead-letters?kind=callback', ops.key)).json()) as { items: { deadLetterId: string; reason: string; subject: string }[] };
        letter = list.items.find((l) => l.subject.includes(callId));
        return !!letter;
      }, 60_000, 'the callback to become a dead letter');
      assert.match(letter!.reason, /Temporal is not reachable/);
    } finally {
      await server.start();
    }
    // the operator replays it from an API with the usual give-up: with 2 s, a replay sent before this process's
    // connection to the restarted server is back would die again at once
    await api?.kill('SIGTERM');
    api = await startApiProcess(env, port);
    const id = encodeURIComponent((await (await get('/v1/dead-letters?kind=callback', ops.key)).json() as { items: { deadLetterId: string; subject: string }[] }).items.find((l) => l.subject.includes(callId))!.deadLetterId);
    assert.equal((await get(`/v1/dead-letters/${id}/replay`, clientKey.key, 'POST')).status, 403, 'operators only');
    const replay = await get(`/v1/dead-letters/${id}/replay`, ops.key, 'POST');
    assert.equal(replay.status, 200, await replay.text());
    await waitUntil(async () => (await signalsIn(callId)).length === 1, 60_000, 'the replayed callback to arrive');
    assert.equal((await get(`/v1/dead-letters/${id}/replay`, ops.key, 'POST')).status, 409, 'a second replay is refused');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await signalsIn(callId), ['twilioStatus']);
  });
});
