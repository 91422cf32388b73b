// Issue 14 item 12: server-side request forgery through the URLs we are given. A client's delivery webhook
// (checked when the request is made through the real API in live mode, and again at delivery by the real
// activity, which connects only to the address it checked), and a recording URL in a Twilio callback (the
// real webhook, call workflow and activities against the Twilio emulator: only the vendor's host is asked,
// with our credentials, and only so much is read).
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { createDeliveryActivities } from '../../activities/delivery';
import type { Resolve } from '../../adapters/http/safe-webhook';
import { RecordingRefusedError, TwilioTelephony } from '../../adapters/telephony/twilio';
import { newFolioId } from '../../api/folio-requests';
import type { Store } from '../../adapters/mongo/store';
import { FolioStatus } from '../../domain/model';
import type { FolioProjection } from '../../domain/projection';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';
import { freePort } from '../helpers/stack';
import { startReceiver } from '../helpers/receiver';
import { startTelephonyWorld, type TelephonyWorld } from '../helpers/telephony';
import { send, twilioRequest } from '../helpers/webhook-client';

const LIVE = {
  MODE: 'live',
  TWILIO_ACCOUNT_SID: 'AC0',
  TWILIO_AUTH_TOKEN: 't',
  TWILIO_FROM_NUMBER: '+15005550006',
  ELEVENLABS_API_KEY: 'k',
  ELEVENLABS_AGENT_ID: 'a',
  ELEVENLABS_WEBHOOK_SECRET: 's',
  PUBLIC_BASE_URL: 'https://folio.example',
  PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  MAIL_TOKEN_SECRET: 'mail-token-secret-live',
};

/** Every block of the IANA special-purpose registries we test through, as a client would write it in a URL. */
const SPECIAL = [
  'https://127.0.0.1/hook', 'https://0x7f000001/hook', 'https://127.1/hook', 'https://0.0.0.0/hook', 'https://10.0.0.8/hook', 'https://100.64.0.1/hook',
  'https://169.254.169.254/latest/meta-data/', 'https://172.16.0.1/hook', 'https://192.0.0.170/hook', 'https://192.0.2.1/hook', 'https://192.88.99.1/hook',
  'https://192.168.1.1/hook', 'https://198.18.0.1/hook', 'https://198.19.255.254/hook', 'https://198.51.100.7/hook', 'https://203.0.113.9/hook',
  'https://224.0.0.1/hook', 'https://239.255.255.250/hook', 'https://240.0.0.1/hook', 'https://255.255.255.255/hook',
  'https://[::1]/hook', 'https://[::]/hook', 'https://[::ffff:127.0.0.1]/hook', 'https://[::ffff:8.8.8.8]/hook', 'https://[64:ff9b::7f00:1]/hook', 'https://[64:ff9b:1::a00:1]/hook',
  'https://[100::1]/hook', 'https://[2001::1]/hook', 'https://[2001:db8::1]/hook', 'https://[2002:7f00:1::1]/hook', 'https://[3fff::1]/hook', 'https://[5f00::1]/hook',
  'https://[fc00::1]/hook', 'https://[fd12:3456::1]/hook', 'https://[fe80::1]/hook', 'https://[fec0::1]/hook', 'https://[ff02::1]/hook',
  'https://localhost/hook',
];

/** The projection write the folio workflow makes when it completes (what deliverResult reads). */
async function markCompleted(store: Store, f: Pick<FolioProjection, 'folioId' | 'workflowId' | 'clientId' | 'clientReference' | 'hotelId' | 'checkOut'>): Promise<void> {
  const { folioId, workflowId, clientId, clientReference, hotelId, checkOut } = f;
  await store.folios.project(folioId, 9, { workflowId, clientId, clientReference, hotelId, checkOut, status: FolioStatus.Completed, nextAction: null, nextActionAt: null, attention: null, reviewReasons: null, attempts: { calls: 0, emails: 0, reminders: 0, callbacks: 0 } });
}

describe('security: delivery and recording SSRF (item 12)', function () {
  this.timeout(120_000);

  describe('the webhook URL, when the request is made (live mode)', () => {
    let api: ApiHandle;
    const go = (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(api.url, method, path, opts);
    before(async () => {
      api = await startApi({ env: LIVE, rateLimitPerMinute: 100_000 });
      assert.equal((await go('POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
      assert.equal((await go('POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.a, body: {} })).status, 201);
    });
    after(async () => api?.close());

    it('refuses every special-purpose address, plain http and credentials in the URL, naming why', async () => {
      const accepted: string[] = [];
      for (const webhookUrl of [...SPECIAL, 'http://93.184.215.14/hook', 'https://user:pw@93.184.215.14/hook']) {
        const r = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ delivery: { webhookUrl } }) });
        if (r.status !== 400) accepted.push(`${webhookUrl} → ${r.status}`);
        else assert.equal(r.body.error.details[0].field, 'body.delivery.webhookUrl');
      }
      assert.deepEqual(accepted, []);
      const ok = await go('POST', '/v1/folios', { key: api.keys.a, body: folioInput({ delivery: { webhookUrl: 'https://93.184.215.14/hook' } }) });
      assert.equal(ok.status, 202, JSON.stringify(ok.body));
    });
  });

  describe('the delivery (live mode)', () => {
    let api: ApiHandle;
    let internal: TcpServer;
    let internalPort: number;
    let connections = 0;
    let config: Config;
    before(async () => {
      api = await startApi({ env: LIVE });
      config = loadConfig(LIVE);
      assert.equal((await call(api.url, 'POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.a, body: {} })).status, 201);
      // An internal service on loopback: nothing we deliver may connect to it.
      internalPort = await freePort();
      internal = createTcpServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((r) => internal.listen(internalPort, '127.0.0.1', r));
    });
    after(async () => {
      internal?.close();
      await api?.close();
    });

    /** A completed folio of client A whose request named this webhook (when its host still resolved to a public address). */
    async function completedFolio(store: Store, webhookUrl: string): Promise<string> {
      const input = folioInput({ delivery: { webhookUrl } });
      const folioId = newFolioId();
      const request = { ...input, folioId, clientId: 'client-a', hotelId: 'h', receivedAt: new Date().toISOString(), guest: { ...input.guest, additionalNames: [] }, delivery: { webhookUrl }, priority: 'normal' as const };
      const created = await store.folios.create({ request, workflowId: `folio:client-a:${input.clientReference}`, clientReference: input.clientReference, requestHash: 'x' });
      await markCompleted(store, created!);
      return folioId;
    }
    const deliver = (folioId: string, resolve: Resolve) =>
      new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(createDeliveryActivities({ config, store: api.store, resolve, timeoutMs: 1500 }).deliverResult, { folioId });

    it('DNS rebinding: the connection goes to the address that was checked, resolved once', async () => {
      // The first answer is public; every later one points at the internal service.
      let lookups = 0;
      const rebinding: Resolve = async () => (lookups++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
      const folioId = await completedFolio(api.store, `https://hooks.client-a.example:${internalPort}/folio`);
      // Nothing public answers on this machine: the delivery fails as unreachable and will be retried.
      await assert.rejects(deliver(folioId, rebinding), (e: unknown) => e instanceof ApplicationFailure && !e.nonRetryable && e.type === 'DeliveryUnreachable');
      assert.equal(lookups, 1, 'the host was resolved again after the check');
      assert.equal(connections, 0, 'the delivery reached the internal service');
    });

    it('an answer naming any special-purpose address among public ones is refused for good', async () => {
      const mixed: Resolve = async () => [{ address: '93.184.215.14', family: 4 }, { address: '127.0.0.1', family: 4 }];
      const v6: Resolve = async () => [{ address: '64:ff9b::7f00:1', family: 6 }];
      for (const resolve of [mixed, v6]) {
        const folioId = await completedFolio(api.store, `https://hooks.client-a.example:${internalPort}/folio`);
        await assert.rejects(deliver(folioId, resolve), (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'DeliveryUrlRefused');
      }
      assert.equal(connections, 0);
    });
  });

  describe('redirects (sandbox mode, loopback receivers)', () => {
    it('a redirect from the client endpoint is not followed', async () => {
      const api = await startApi();
      const target = await startReceiver();
      const redirector = createTcpServer((s) => s.end(`HTTP/1.1 307 Temporary Redirect\r\nLocation: ${target.url}/internal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
      const port = await freePort();
      await new Promise<void>((r) => redirector.listen(port, '127.0.0.1', r));
      try {
        assert.equal((await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
        assert.equal((await call(api.url, 'POST', '/v1/clients/client-a/delivery-secrets', { key: api.keys.a, body: {} })).status, 201);
        const created = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: folioInput({ delivery: { webhookUrl: `http://127.0.0.1:${port}/hook` } }) });
        assert.equal(created.status, 202, JSON.stringify(created.body));
        await markCompleted(api.store, created.body);
        const run = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) }).run(createDeliveryActivities({ config: api.config, store: api.store }).deliverResult, { folioId: created.body.folioId });
        await assert.rejects(run, (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'DeliveryRejected');
        assert.equal(target.received.length, 0, 'the redirect was followed');
      } finally {
        redirector.close();
        await target.close();
        await api.close();
      }
    });
  });

  describe('recordings', () => {
    let w: TelephonyWorld;
    before(async () => {
      w = await startTelephonyWorld({ timeScale: 0.3 });
    });
    after(async () => w?.close());

    it('a recording URL off the vendor’s host in a signed callback is never fetched (our credentials stay home)', async () => {
      const rogue = await startReceiver({ status: 200 });
      try {
        const hotel = await w.addHotel('person-agree');
        const { callId, handle } = await w.startCall(hotel);
        while (!w.twilio.calls().some((c) => c.params.to === hotel.phone)) await new Promise((r) => setTimeout(r, 50));
        const callSid = w.twilio.calls().find((c) => c.params.to === hotel.phone)!.sid;
        // A recording callback as Twilio signs them, naming a URL elsewhere (an internal service, an attacker's host).
        const url = `${w.baseUrl}/v1/webhooks/twilio/recording?callId=${callId}`;
        const params = { AccountSid: w.config.TWILIO_ACCOUNT_SID!, CallSid: callSid, RecordingSid: 'RE' + 'f'.repeat(32), RecordingUrl: `${rogue.url}/2010-04-01/Accounts/${w.config.TWILIO_ACCOUNT_SID}/Recordings/RE${'f'.repeat(32)}`, RecordingStatus: 'completed', RecordingDuration: '3' };
        assert.equal((await send(twilioRequest(url, params, { token: w.config.TWILIO_AUTH_TOKEN! }))).status, 204);
        const result = await handle.result();
        assert.equal(result.disposition, 'conversation', 'the call’s outcome stands');
        assert.equal(rogue.received.length, 0, `the rogue host was asked (authorization: ${rogue.received[0]?.headers.authorization ?? '-'})`);
        assert.equal(await w.store.recordings.bySid(params.RecordingSid), null);
      } finally {
        await rogue.close();
      }
    });

    it('a recording larger than the cap is not read to the end, with or without a Content-Length', async () => {
      const accountSid = `AC${'1'.repeat(32)}`;
      const piece = Buffer.alloc(64 * 1024, 1);
      const vendor = createHttpServer((req, res) => {
        res.setHeader('content-type', 'audio/wav');
        if (req.url!.includes('RE1')) {
          res.setHeader('content-length', String(48 * piece.length));
          res.end(Buffer.concat(Array.from({ length: 48 }, () => piece)));
          return;
        }
        // No length announced: 3 MB written in pieces.
        let n = 0;
        const pump = () => {
          while (n < 48) {
            n++;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
      });
      const port = await freePort();
      await new Promise<void>((r) => vendor.listen(port, '127.0.0.1', r));
      try {
        const tel = new TwilioTelephony({ accountSid, authToken: 'x', fromNumber: '+15005550006', apiBaseUrl: `http://127.0.0.1:${port}` });
        for (const sid of ['RE1', 'RE2']) {
          const url = `http://127.0.0.1:${port}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`;
          await assert.rejects(tel.downloadRecording(url, 1024 * 1024), (e: unknown) => e instanceof RecordingRefusedError && /larger than/.test((e as Error).message), sid);
        }
      } finally {
        vendor.closeAllConnections();
        vendor.close();
      }
    });
  });
});
