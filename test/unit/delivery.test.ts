// The signed delivery webhook against a real local HTTP receiver, run in MockActivityEnvironment.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../../config';
import type { Db } from 'mongodb';
import { COLLECTIONS } from '../../adapters/mongo/collections';
import { rawCollection } from '../helpers/raw-db';
import { Store } from '../../adapters/mongo/store';
import { FolioStatus } from '../../domain/model';
import { createDeliveryActivities, verifyDelivery } from '../../activities/delivery';
import { checkWebhookUrl } from '../../adapters/http/safe-webhook';
import { DeliverySecrets } from '../../adapters/http/delivery-secrets';
import { codecFromConfig } from '../../temporal/codec';
import { startMongo, freePort } from '../helpers/stack';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('delivery webhook activity', function () {
  this.timeout(30_000);
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://folio.example' });
  let secret: string;
  let store: Store;
  let db: Db;
  let server: Server;
  let base: string;
  let answer = 200;
  const received: Received[] = [];

  before(async () => {
    db = (await startMongo()).db();
    store = new Store(db);
    // the folios below belong to client "c", whose deliveries are signed with its own secret
    secret = (await new DeliverySecrets(store.clients, codecFromConfig(config)).rotate('c', 0)).secret;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (req.url === '/hang') return; // never answers: the activity's timeout must fire
        res.statusCode = answer;
        res.end('ok');
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  async function folio(webhookUrl?: string) {
    const folioId = `f-${Math.random().toString(36).slice(2)}`;
    // a completed folio as the workflow's projection writes leave it: the list entry, and its details beside it
    await rawCollection(db, COLLECTIONS.folios).insertOne({
      _id: folioId, workflowId: `folio:c:${folioId}`, clientId: 'c', clientReference: `ref-${folioId}`, hotelId: 'h1', status: FolioStatus.Completed, needsAttention: false, seq: 9, checkOut: '2026-11-01',
      createdAt: new Date(), updatedAt: new Date(),
    });
    await rawCollection(db, COLLECTIONS.folioDetails).insertOne({
      _id: folioId, seq: 9, updatedAt: new Date(),
      request: { delivery: webhookUrl ? { webhookUrl } : {}, guest: { firstName: 'Ada', lastName: 'Lovelace' } },
      extracted: { total: 412.5, currency: 'EUR', tax: 37.5, guestNames: ['Ada Lovelace'], lineItems: [{ description: 'Room', amount: 375 }], confidence: {} },
      document: { documentId: 'd1', sha256: 'x', contentType: 'application/pdf', size: 10, source: 'email' },
    });
    return folioId;
  }
  const run = (folioId: string, timeoutMs?: number) => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(createDeliveryActivities({ config, store, timeoutMs }).deliverResult, { folioId });

  it('POSTs a signed notification and reports delivery on 2xx', async () => {
    answer = 204;
    const folioId = await folio(`${base}/hooks/folio`);
    assert.deepEqual(await run(folioId), { delivered: true, status: 204 });
    const got = received.at(-1)!;
    assert.ok(verifyDelivery(secret, got.body, String(got.headers['folio-signature'])), 'signature does not verify');
    assert.ok(!verifyDelivery('other-secret', got.body, String(got.headers['folio-signature'])));
    assert.ok(!verifyDelivery(secret, got.body.replace('412.5', '1.5'), String(got.headers['folio-signature'])));
    const sentAt = Number(/t=(\d+)/.exec(String(got.headers['folio-signature']))![1]);
    assert.ok(!verifyDelivery(secret, got.body, String(got.headers['folio-signature']), 300, (sentAt + 3600) * 1000), 'an old signature must not verify');
    const body = JSON.parse(got.body);
    assert.equal(body.folioId, folioId);
    assert.equal(body.status, 'Completed');
    assert.equal(body.extracted.total, 412.5);
    assert.equal(body.documentUrl, `https://folio.example/v1/folios/${folioId}/document`);
    assert.ok(!got.body.includes('Lovelace'), 'guest names stay out of the notification');
  });

  it('writes the completed state it is given (and its events) before it reads and tells it', async () => {
    answer = 200;
    const folioId = await folio(`${base}/hooks/folio`);
    const set = { status: FolioStatus.Completed, workflowId: `folio:c:${folioId}`, clientId: 'c', clientReference: `ref-${folioId}`, hotelId: 'h1', checkOut: '2026-11-01', nextActionAt: null, nextAction: null, attention: null, attempts: { calls: 1, emails: 0, reminders: 0, callbacks: 0 }, reviewReasons: null };
    const projection = { folioId, seq: 12, set, events: [{ eventId: `${folioId}:12`, folioId, seq: 12, type: 'FolioCompleted' as const, at: new Date().toISOString() }] };
    const r = await new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(createDeliveryActivities({ config, store }).deliverResult, { folioId, projection });
    assert.deepEqual(r, { delivered: true, status: 200 });
    assert.equal((await store.folios.get(folioId))?.seq, 12, 'the state was written first');
    assert.deepEqual((await store.folios.timeline(folioId)).map((e) => e.type), ['FolioCompleted']);
  });

  it('throws a retryable failure on 5xx, 408 and 429', async () => {
    const folioId = await folio(`${base}/hooks/folio`);
    for (const status of [500, 503, 408, 429]) {
      answer = status;
      await assert.rejects(run(folioId), (e: unknown) => e instanceof ApplicationFailure && !e.nonRetryable && e.message.includes(String(status)));
    }
  });

  it('fails without retry on any other 4xx', async () => {
    const folioId = await folio(`${base}/hooks/folio`);
    for (const status of [400, 401, 404, 410]) {
      answer = status;
      await assert.rejects(run(folioId), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'DeliveryRejected');
    }
  });

  it('retries timeouts and unreachable endpoints', async () => {
    await assert.rejects(run(await folio(`${base}/hang`), 300), (e: unknown) => e instanceof ApplicationFailure && !e.nonRetryable);
    const closed = await freePort();
    await assert.rejects(run(await folio(`http://127.0.0.1:${closed}/x`)), (e: unknown) => e instanceof ApplicationFailure && !e.nonRetryable && e.type === 'DeliveryUnreachable');
  });

  it('delivers nothing when the request has no webhook, and refuses an unknown folio', async () => {
    assert.deepEqual(await run(await folio()), { delivered: false });
    await assert.rejects(run('no-such-folio'), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable);
  });

  it('in live mode, delivers only to https on public addresses', async () => {
    const live = loadConfig({ MODE: 'live', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15550100', ELEVENLABS_API_KEY: 'k', ELEVENLABS_AGENT_ID: 'a', ELEVENLABS_WEBHOOK_SECRET: 's', PUBLIC_BASE_URL: 'https://folio.example', PAYLOAD_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`, MAIL_TOKEN_SECRET: 'mail-token-secret-live' });
    await new DeliverySecrets(store.clients, codecFromConfig(live)).rotate('c', 0); // sealed with the live key ring
    const runLive = (folioId: string) => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(createDeliveryActivities({ config: live, store }).deliverResult, { folioId });
    const before = received.length;
    for (const url of [`${base}/hooks/folio`, 'https://127.0.0.1/x', 'https://[::1]/x', 'https://10.1.2.3/x', 'https://169.254.169.254/latest', 'https://[::ffff:192.168.0.1]/x', 'https://localhost/x']) {
      await assert.rejects(runLive(await folio(url)), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'DeliveryUrlRefused', url);
    }
    assert.equal(received.length, before, 'a refused URL was called');
    assert.equal((await checkWebhookUrl('https://93.184.215.14/hook', { publicOnly: true })).ok, true);
    assert.deepEqual(await checkWebhookUrl('ftp://93.184.215.14/hook', { publicOnly: true }), { ok: false, reason: 'must be https' });
  });
});
