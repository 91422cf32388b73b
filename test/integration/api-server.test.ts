// The API process as `npm start` runs it: starts from the environment, reports ready, serves metrics,
// and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freePort, ROOT, startMongo, startTemporal } from '../helpers/stack';

describe('API process (api/server.ts)', function () {
  this.timeout(90_000);

  it('starts, is ready, serves /metrics, and exits 0 on SIGTERM', async () => {
    const [mongo, env] = await Promise.all([startMongo(), startTemporal()]);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MONGODB_URI: mongo.uri, MONGODB_DB: `server_${process.pid}`, TEMPORAL_ADDRESS: env.address, API_PORT: String(port), API_HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    });
    let log = '';
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 45_000;
      for (;;) {
        const r = await fetch(`${base}/health/ready`).catch(() => undefined);
        if (r?.status === 200) break;
        assert.ok(Date.now() < deadline && child.exitCode === null, `API did not become ready:\n${log.slice(-2000)}`);
        await new Promise((res) => setTimeout(res, 250));
      }
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /folio_folios\{status="WaitingForCheckout"\} 0/);
      assert.match(metrics, /folio_api_requests_total\{method="GET",route="\/health\/ready",status="200"\}/);
      // Logs are JSON lines with no guest data; the start line names where the API listens.
      const start = log.split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'API listening');
      assert.equal(start?.url, base);
      child.kill('SIGTERM');
      assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 0, log.slice(-2000));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
