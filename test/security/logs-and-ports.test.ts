// Operational exposure (issue 14 item 16): personal data and secrets in log objects at any depth, metrics and
// readiness on the public port (the API's; a worker's operations port is loopback by default too), and a
// container image that would start in sandbox mode (the published development key) when MODE is forgotten.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../config/logger';
import { loadConfig, ConfigError } from '../../config';
import { call, startApi, type ApiHandle } from '../helpers/api';
import { ROOT } from '../helpers/stack';

const GUEST = 'Ada Lovelace';
const CONFIRMATION = 'CONF-77331';
const EMAIL = 'ada.lovelace@example.org';
const PHONE = '+442071234567';
const TOKEN = 'tok_5f0c1e9a77';
const SECRET = 's3cr3t-value';

/** The production logger writing into memory: every line as written. */
function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: createLogger(sink, 'info'), text: () => lines.join('') };
}

const nest = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { level: depth, inner: nest(depth - 1, leaf) });

describe('security: logs, operations port and the container default mode', function () {
  this.timeout(120_000);

  describe('item 16: logs are redacted by key name at any depth', () => {
    it('guest names, confirmation numbers, emails, phones, tokens and secrets vanish at every depth; ids stay', () => {
      const { logger, text } = capture();
      const pii = { guestName: GUEST, confirmationNumber: CONFIRMATION, email: EMAIL, phone: PHONE, replyToken: TOKEN, webhookSecret: SECRET, folioId: 'f-1' };
      for (const depth of [0, 1, 2, 5, 12]) logger.info({ workflowId: 'wf-1', context: nest(depth, pii) }, `depth ${depth}`);
      // in arrays, under vendor-style names, in request-like shapes
      logger.info({ batch: { guests: [{ firstName: 'Ada', lastName: 'Lovelace' }], hotel: { hotelEmail: EMAIL, callbackPhone: PHONE } } }, 'arrays');
      logger.warn({ req: { headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': SECRET, cookie: `s=${TOKEN}` } }, smtp: { SMTP_PASS: SECRET, apiKey: SECRET } }, 'headers');
      logger.info({ twilio: { To: PHONE, From: PHONE, Caller: PHONE } }, 'vendor names');
      // an error carrying personal data in its own fields and in its cause
      const cause = Object.assign(new Error('lookup failed'), { details: { guest: { name: GUEST }, confirmationNumber: CONFIRMATION } });
      const err = Object.assign(new Error('store write failed', { cause }), { keyValue: { folio: { guestName: GUEST } } });
      logger.error({ err, folioId: 'f-2' }, 'error');
      logger.error(err, 'error as the first argument');
      // child loggers' bindings
      logger.child({ call: { to: PHONE, context: nest(4, { guestName: GUEST }) } }).info('child');

      const out = text();
      for (const secret of [GUEST, 'Lovelace', CONFIRMATION, EMAIL, PHONE, TOKEN, SECRET]) assert.ok(!out.includes(secret), `"${secret}" reached a log line:\n${out.split('\n').find((l) => l.includes(secret))}`);
      // what a log line is for stays: ids, messages, the error's message and stack, the nesting itself
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(lines.length, 11);
      assert.equal((lines[3]!.context as { inner: { inner: { inner: { inner: { inner: { folioId: string; guestName: string } } } } } }).inner.inner.inner.inner.inner.folioId, 'f-1');
      assert.ok(out.includes('wf-1') && out.includes('f-2') && out.includes('store write failed') && out.includes('lookup failed'));
      assert.match(String((lines[8]!.err as { stack: string }).stack), /store write failed/);
      assert.equal((lines[8]!.err as { type: string }).type, 'Error');
      assert.match((lines[9]!.err as { message: string }).message, /^store write failed/);
      assert.equal((lines[8]!.err as { keyValue: { folio: { guestName: string } } }).keyValue.folio.guestName, '[redacted]');
    });
  });

  describe('item 16: metrics and readiness only on the operations port', () => {
    let api: ApiHandle;
    before(async () => (api = await startApi()));
    after(async () => api?.close());

    it('the public port answers 404 for /metrics and readiness; the operations port serves both', async () => {
      for (const p of ['/metrics', '/health/ready']) assert.equal((await call(api.url, 'GET', p)).status, 404, `${p} on the public port`);
      assert.equal((await call(api.url, 'GET', '/health/live')).status, 200);
      const index = await call(api.url, 'GET', '/');
      assert.ok(!JSON.stringify(index.body).includes('metrics') && !JSON.stringify(index.body).includes('ready'), 'the public index names the operations routes');
      const metrics = await call(api.opsUrl, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.body.toString(), /folio_api_requests_total/);
      const ready = await call(api.opsUrl, 'GET', '/health/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.mongodb.ok, true);
      assert.equal((await fetch(`${api.opsUrl}/v1/folios`)).status, 404, 'the operations port serves the API');
    });

    it('the operations port is a setting of its own, by default another port than the API on loopback', () => {
      const c = loadConfig({});
      assert.equal(c.API_OPS_PORT, 9465);
      assert.equal(c.API_OPS_HOST, '127.0.0.1');
      assert.notEqual(c.API_OPS_PORT, c.API_PORT);
      assert.equal(loadConfig({ API_OPS_PORT: '9999' }).API_OPS_PORT, 9999);
    });

    it("a worker's operations port likewise: loopback by default, apart from the API's and from the SDK's metrics", () => {
      const c = loadConfig({});
      assert.equal(c.WORKER_OPS_HOST, '127.0.0.1');
      assert.equal(c.WORKER_OPS_PORT, 9466);
      assert.equal(new Set([c.WORKER_OPS_PORT, c.METRICS_PORT, c.API_OPS_PORT, c.API_PORT]).size, 4);
      assert.equal(loadConfig({ WORKER_OPS_PORT: '9999', WORKER_OPS_HOST: '0.0.0.0' }).WORKER_OPS_PORT, 9999);
      // one process binds both: a clash is named at start, not found as a failed bind
      assert.throws(() => loadConfig({ WORKER_OPS_PORT: '9470', METRICS_PORT: '9470' }), (e: unknown) => e instanceof ConfigError && /WORKER_OPS_PORT must differ from METRICS_PORT \(9470/.test(e.message));
      assert.throws(() => loadConfig({ WORKER_OPS_PORT: 'ops' }), /WORKER_OPS_PORT/);
    });

    it("the extraction process's two ports likewise: loopback by default, apart from every other process's on one host", () => {
      const c = loadConfig({});
      assert.equal(c.EXTRACTION_OPS_HOST, '127.0.0.1');
      assert.deepEqual([c.EXTRACTION_OPS_PORT, c.EXTRACTION_METRICS_PORT], [9467, 9468]);
      assert.equal(new Set([c.EXTRACTION_OPS_PORT, c.EXTRACTION_METRICS_PORT, c.WORKER_OPS_PORT, c.METRICS_PORT, c.API_OPS_PORT, c.API_PORT]).size, 6);
      assert.throws(() => loadConfig({ EXTRACTION_OPS_PORT: '9470', EXTRACTION_METRICS_PORT: '9470' }), (e: unknown) => e instanceof ConfigError && /EXTRACTION_OPS_PORT must differ from EXTRACTION_METRICS_PORT \(9470/.test(e.message));
    });
  });

  describe('item 16: the container image runs live unless told otherwise', () => {
    it('a production process without MODE is live: it refuses to start without live credentials and keys', () => {
      assert.throws(() => loadConfig({ NODE_ENV: 'production' }), (e: unknown) => e instanceof ConfigError && /PAYLOAD_KEYS is required when MODE=live/.test(e.message));
      assert.equal(loadConfig({ NODE_ENV: 'production', MODE: 'sandbox' }).MODE, 'sandbox');
      assert.equal(loadConfig({}).MODE, 'sandbox');
    });

    it('the Dockerfile sets MODE=live; the local commands set sandbox explicitly', () => {
      const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
      const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
      assert.match(runtime, /^ENV .*\bNODE_ENV=production\b.*\bMODE=live\b/m);
      for (const script of ['scripts/start.sh', 'scripts/test.sh']) {
        assert.match(readFileSync(path.join(ROOT, script), 'utf8'), /^export MODE="\$\{MODE:-sandbox\}"$/m, script);
      }
    });
  });
});
