// A real folio workflow history, read through the `temporal` CLI, holds no guest name, confirmation number or
// phone number in plaintext; the codec endpoint (Web UI request format) decrypts the same payloads for operators.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { call, folioInput, startApi, type ApiHandle } from '../helpers/api';
import { startTemporal, tool } from '../helpers/stack';

const run = promisify(execFile);
type Payloads = { payloads?: { metadata: Record<string, string>; data: string }[] };
interface HistoryEvent {
  eventType: string;
  workflowExecutionStartedEventAttributes?: { input?: Payloads };
  workflowExecutionSignaledEventAttributes?: { input?: Payloads };
}

describe('payload encryption in a real workflow history', function () {
  this.timeout(120_000);
  let api: ApiHandle;
  before(async () => {
    api = await startApi({ worker: true });
  });
  after(async () => api?.close());

  it('finds no plaintext PII with the temporal CLI, and the codec endpoint decrypts it', async () => {
    const input = folioInput({
      guest: { firstName: 'Philippa', lastName: 'Quirrelby' },
      confirmationNumber: 'ZX81-4477',
      hotel: { inline: { name: 'Hotel Sonnenhof', phone: '+498912345678', email: 'rezeption@sonnenhof.example', timeZone: 'Europe/Berlin', country: 'DE', language: 'de' } },
    });
    const created = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: input });
    assert.equal(created.status, 202);
    const { folioId, workflowId } = created.body;
    // Wait until the workflow has run activities (their inputs and results are in the history too).
    const deadline = Date.now() + 30_000;
    while ((await api.store.folios.get(folioId))!.seq === 0) {
      assert.ok(Date.now() < deadline, 'the workflow never projected');
      await new Promise((r) => setTimeout(r, 200));
    }
    const env = await startTemporal();
    const { stdout } = await run(tool('temporal'), ['workflow', 'show', '--workflow-id', workflowId, '--address', env.address, '--namespace', 'default', '--output', 'json'], { timeout: 30_000, maxBuffer: 20 * 1024 * 1024 });
    const history = JSON.parse(stdout);
    const events: { eventType: string; workflowExecutionStartedEventAttributes?: { input: { payloads: { metadata: Record<string, string>; data: string }[] } } }[] = history.events;
    assert.ok(events.some((e) => /ACTIVITY_TASK_COMPLETED|ActivityTaskCompleted/.test(e.eventType)), 'no activity ran yet');
    for (const secret of ['Philippa', 'Quirrelby', 'ZX81-4477', '+498912345678', '498912345678', 'rezeption@sonnenhof', 'Sonnenhof']) {
      assert.ok(!stdout.includes(secret), `"${secret}" is readable in the history`);
    }
    // Base64 of the plaintext must not be there either (the CLI shows payload bytes as base64).
    assert.ok(!stdout.includes(Buffer.from('Quirrelby').toString('base64').slice(0, 8)));

    const started = events.find((e) => e.workflowExecutionStartedEventAttributes)!;
    const payloads = started.workflowExecutionStartedEventAttributes!.input.payloads;
    assert.equal(Buffer.from(payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
    // Exactly what the Web UI posts: { payloads } with base64 fields, the key in the path, from its origin.
    const token = encodeURIComponent(api.keys.operator);
    const res = await fetch(`${api.url}/codec/${token}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: 'http://127.0.0.1:8233' },
      body: JSON.stringify({ payloads }),
    });
    assert.equal(res.status, 200);
    const decoded = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(decoded.payloads[0].metadata.encoding, 'base64').toString(), 'json/plain');
    const request = JSON.parse(Buffer.from(decoded.payloads[0].data, 'base64').toString());
    assert.equal(request.guest.lastName, 'Quirrelby');
    assert.equal(request.folioId, folioId);

    // The runbook's CLI path: the same history decrypted through the codec endpoint, and a signal encrypted by it.
    const codec = ['--codec-endpoint', `${api.url}/codec`, '--codec-auth', `Bearer ${api.keys.operator}`];
    const show = async (withCodec: boolean) => {
      const { stdout: out } = await run(tool('temporal'), ['workflow', 'show', '--workflow-id', workflowId, '--address', env.address, '--output', 'json', ...(withCodec ? codec : [])], { timeout: 30_000, maxBuffer: 20 * 1024 * 1024 });
      return (JSON.parse(out).events as HistoryEvent[]).map((e) => {
        const p = (e.workflowExecutionStartedEventAttributes ?? e.workflowExecutionSignaledEventAttributes)?.input?.payloads?.[0];
        return p && { type: e.eventType, encoding: Buffer.from(p.metadata.encoding, 'base64').toString(), text: Buffer.from(p.data, 'base64').toString() };
      });
    };
    const clear = (await show(true)).filter(Boolean);
    assert.equal(clear[0]!.encoding, 'json/plain');
    assert.ok(clear[0]!.text.includes('Quirrelby'), 'the CLI with the codec endpoint does not show the decrypted input');
    await run(tool('temporal'), ['workflow', 'signal', '--workflow-id', workflowId, '--address', env.address, '--name', 'retryNow', '--input', '{"by":"ops:cli"}', ...codec], { timeout: 30_000 });
    const raw = (await show(false)).filter(Boolean);
    const signalled = raw.find((p) => /SIGNALED/.test(p!.type));
    assert.equal(signalled?.encoding, 'binary/encrypted', 'the CLI signal went into the history unencrypted');
    assert.ok((await show(true)).some((p) => p && /SIGNALED/.test(p.type) && p.text.includes('ops:cli')));

    const preflight = await fetch(`${api.url}/codec/${token}/decode`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8233');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    const foreign = await fetch(`${api.url}/codec/${token}/decode`, { method: 'OPTIONS', headers: { origin: 'http://attacker.example' } });
    assert.equal(foreign.status, 403);
  });

  it('gives operators a summary in the workflow list and current details on the workflow page, readable only through the codec', async () => {
    const input = folioInput({
      guest: { firstName: 'Oona', lastName: 'Vexley' },
      hotel: { inline: { name: 'Hotel Lindenhof', phone: '+498912345679', email: 'empfang@lindenhof.example', timeZone: 'Europe/Berlin', country: 'DE', language: 'de' } },
    });
    const created = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: input });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const { workflowId, hotelId } = created.body;
    const summary = `O.V. · ${hotelId} · check-out ${input.checkOut}`;
    // The Web UI's workflow list is ListWorkflowExecutions; visibility is eventually consistent.
    const deadline = Date.now() + 30_000;
    let memo: Record<string, { metadata?: Record<string, Uint8Array>; data?: Uint8Array }> | undefined;
    while (!memo?.summary) {
      assert.ok(Date.now() < deadline, 'the folio never appeared in the workflow list with a summary');
      const page = await api.temporal.workflowService.listWorkflowExecutions({ namespace: 'default', query: `WorkflowId = '${workflowId}'` });
      memo = (page.executions[0]?.memo?.fields ?? undefined) as typeof memo;
      if (!memo?.summary) await new Promise((r) => setTimeout(r, 300));
    }
    const listed = memo.summary!;
    assert.equal(Buffer.from(listed.metadata!.encoding!).toString(), 'binary/encrypted', 'the list summary is stored in plaintext');
    assert.ok(!Buffer.from(listed.data!).toString().includes('O.V.'));
    const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
    const res = await fetch(`${api.url}/codec/${encodeURIComponent(api.keys.operator)}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: 'http://127.0.0.1:8233' },
      body: JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(listed.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(listed.data!) }] }),
    });
    assert.equal(res.status, 200);
    const decoded = (await res.json()) as { payloads: { data: string }[] };
    assert.equal(JSON.parse(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()), summary);

    // The workflow page: the static summary, and the details the workflow keeps current (its metadata query).
    const handle = api.temporal.workflow.getHandle(workflowId);
    assert.equal(await (await handle.describe()).staticSummary(), summary);
    let details = '';
    while (!details.includes('**Status:**')) {
      assert.ok(Date.now() < deadline, `no current details: ${details}`);
      details = ((await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '') as string;
      if (!details) await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(details, /\*\*Status:\*\* \w+/);
    assert.ok(!details.includes('Vexley'), 'the details name the guest');
  });
});
