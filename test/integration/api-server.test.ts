// The API process as `npm start` runs it: starts from the environment, reports ready and serves metrics on its
// operations port (and neither on the public one),
// and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import twilio from 'twilio';
import WebSocket from 'ws';
import { freePort, ROOT, startMongo, startTemporal } from '../helpers/stack';

describe('API process (api/server.ts)', function () {
  this.timeout(90_000);

  it('starts, is ready and serves /metrics on the operations port only, webhooks and the media stream, and exits 0 on SIGTERM', async () => {
    const [mongo, env] = await Promise.all([startMongo(), startTemporal()]);
    const port = await freePort();
    const opsPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MONGODB_URI: mongo.uri, MONGODB_DB: `server_${process.pid}`, TEMPORAL_ADDRESS: env.address, API_PORT: String(port), API_HOST: '127.0.0.1', API_OPS_PORT: String(opsPort), LOG_LEVEL: 'info', TWILIO_AUTH_TOKEN: 'twilio-test-token', ELEVENLABS_WEBHOOK_SECRET: 'el-secret' },
    });
    let log = '';
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const ops = `http://127.0.0.1:${opsPort}`;
      const deadline = Date.now() + 45_000;
      for (;;) {
        const r = await fetch(`${ops}/health/ready`).catch(() => undefined);
        if (r?.status === 200) break;
        assert.ok(Date.now() < deadline && child.exitCode === null, `API did not become ready:\n${log.slice(-2000)}`);
        await new Promise((res) => setTimeout(res, 250));
      }
      // the public port tells nothing about what runs or which dependency is down
      assert.equal((await fetch(`${base}/metrics`)).status, 404);
      assert.equal((await fetch(`${base}/health/ready`)).status, 404);
      assert.equal((await fetch(`${base}/health/live`)).status, 200);
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      assert.match(metrics, /folio_folios\{status="WaitingForCheckout"\} 0/);
      assert.match(metrics, /folio_api_requests_total\{method="GET",route="unmatched",status="404"\}/);
      // Logs are JSON lines with no guest data; the start line names where the API listens.
      const start = log.split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'API listening');
      assert.equal(start?.url, base);
      // Vendor webhooks are checked by signature, never by API key (no 401), and parse their own bodies.
      const form = new URLSearchParams({ CallSid: 'CA123', CallStatus: 'ringing', SequenceNumber: '1' });
      const statusUrl = `${base}/v1/webhooks/twilio/status?callId=call-1`;
      const unsigned = await fetch(statusUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      assert.equal(unsigned.status, 403);
      const signature = twilio.getExpectedTwilioSignature('twilio-test-token', statusUrl, Object.fromEntries(form));
      const signed = await fetch(statusUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: form.toString() });
      assert.ok(signed.status < 300, `signed Twilio callback answered ${signed.status}`);
      const el = await fetch(`${base}/v1/webhooks/elevenlabs/post-call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(el.status, 403);
      // a refusal made by the app's error handler is still counted under the route it was sent to
      const counted = await (await fetch(`${ops}/metrics`)).text();
      assert.match(counted, /folio_api_requests_total\{method="POST",route="\/v1\/webhooks\/twilio\/status",status="403"\} 1/);
      assert.match(counted, /folio_api_requests_total\{method="POST",route="\/v1\/webhooks\/elevenlabs\/post-call",status="403"\} 1/);
      // The media bridge is attached to the same server: unsigned streams are refused, and so are signed ones
      // at a URL that names no call and nonce, or a call it has no record of.
      const handshake = (url: string, headers: Record<string, string>) =>
        new Promise<string>((r) => new WebSocket(url, { headers }).once('error', (e) => r(e.message)).once('open', () => r('open')));
      const signedWith = (url: string) => ({ 'x-twilio-signature': twilio.getExpectedTwilioSignature('twilio-test-token', url, {}) });
      const bare = `ws://127.0.0.1:${port}/v1/media-stream`;
      const unknown = `${bare}/call-1/${'n'.repeat(32)}`;
      assert.match(await handshake(unknown, {}), /403/);
      assert.match(await handshake(bare, signedWith(bare)), /403/);
      assert.match(await handshake(unknown, signedWith(unknown)), /403/);

      child.kill('SIGTERM');
      assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 0, log.slice(-2000));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
