// Tells the client its folio is done: a signed JSON POST to the request's delivery.webhookUrl.
// Signature: `Folio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(DELIVERY_SIGNING_SECRET, "<t>.<body>")>`.
// 2xx delivered; 408, 429, 5xx, timeouts and network errors throw (Temporal retries with backoff, the
// workflow bounds attempts); any other 4xx is the client's permanent answer: a non-retryable failure.
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import type { DeliveryActivities } from '../workflows/activity-types';

export const DELIVERY_TIMEOUT_MS = 10_000;

// In live mode a client's webhook must be https on a public address: the worker sits inside our network,
// and a request must not make it call internal services (MongoDB, Temporal, cloud metadata).
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why this URL may not receive a delivery in live mode, or undefined when it may. */
export async function refusedWebhook(url: string): Promise<string | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:') return 'must be https';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) return `host ${host} does not resolve`;
  if (addresses.some(isPrivateAddress)) return `host ${host} is a private or loopback address`;
  return undefined;
}

export function signDelivery(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** For receivers (and our tests): checks a Folio-Signature header within a tolerance. */
export function verifyDelivery(secret: string, body: string, header: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  return signDelivery(secret, body, t) === header;
}

export function createDeliveryActivities(deps: { config: Config; store: Store; timeoutMs?: number }): DeliveryActivities {
  const base = (deps.config.PUBLIC_BASE_URL ?? `http://${deps.config.API_HOST}:${deps.config.API_PORT}`).replace(/\/+$/, '');
  return {
    async deliverResult({ folioId }) {
      const folio = await deps.store.folios.get(folioId);
      if (!folio) throw ApplicationFailure.nonRetryable(`folio ${folioId} has no projection`, 'UnknownFolio');
      const webhookUrl = folio.request?.delivery?.webhookUrl;
      if (!webhookUrl) return { delivered: false };
      if (deps.config.MODE === 'live') {
        const refused = await refusedWebhook(webhookUrl);
        if (refused) throw ApplicationFailure.nonRetryable(`delivery webhook ${refused}`, 'DeliveryUrlRefused');
      }

      const x = (folio.extracted ?? {}) as Record<string, unknown>;
      // Ids, status and amounts; the full data and the document are fetched through the API with the client's key.
      const body = JSON.stringify({
        type: 'folio.result',
        folioId,
        clientReference: folio.clientReference,
        status: folio.status,
        hotelId: folio.hotelId,
        extracted: folio.extracted
          ? { folioNumber: x.folioNumber, arrival: x.arrival, departure: x.departure, total: x.total, tax: x.tax, currency: x.currency, lineItemCount: Array.isArray(x.lineItems) ? x.lineItems.length : 0 }
          : null,
        documentUrl: folio.document ? `${base}/v1/folios/${folioId}/document` : null,
        folioUrl: `${base}/v1/folios/${folioId}`,
        sentAt: new Date().toISOString(),
      });
      let res: Response;
      try {
        res = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'folio-signature': signDelivery(deps.config.DELIVERY_SIGNING_SECRET, body), 'folio-delivery-id': `${folioId}:${folio.status}` },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(deps.timeoutMs ?? DELIVERY_TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
      } catch (e) {
        throw ApplicationFailure.retryable(`delivery to the client endpoint failed: ${(e as Error).message}`, 'DeliveryUnreachable');
      }
      if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        throw ApplicationFailure.retryable(`client endpoint answered ${res.status}`, 'DeliveryRetryableStatus');
      }
      throw ApplicationFailure.nonRetryable(`client endpoint refused the delivery with ${res.status}`, 'DeliveryRejected', { status: res.status });
    },
  };
}
