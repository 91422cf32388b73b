// Tells the client its folio is done (`folio.result`), or something it may act on while the chase goes on
// (`folio.no_such_booking`, `folio.authorization_required`): a signed JSON POST to the request's delivery.webhookUrl.
// Signature: `Folio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(client secret, "<t>.<body>")>`, one v1 per
// secret of the client that signs now (two during a rotation's overlap). The POST itself goes through
// adapters/http/safe-webhook.ts (checked URL, pinned address, no redirects).
// 2xx delivered; 408, 429, 5xx, timeouts and network errors throw (Temporal retries with backoff, the
// workflow bounds attempts); any other status is the client's permanent answer: a non-retryable failure.
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../config';
import type { Store } from '../adapters/mongo/store';
import type { ClientNotification, DeliveryActivities } from '../workflows/activity-types';
import type { FolioProjection } from '../domain/projection';
import { codecFromConfig } from '../temporal/codec';
import { DeliverySecrets } from '../adapters/http/delivery-secrets';
import { postWebhook, WebhookRefusedError, type Resolve } from '../adapters/http/safe-webhook';
import { signBody, verifyBody } from '../adapters/http/signing';
import { writeProjection } from './projection-writer';

export const DELIVERY_TIMEOUT_MS = 10_000;

/** For receivers (and our tests): checks a Folio-Signature header against the secret(s) held, within a tolerance. */
export function verifyDelivery(secrets: string | readonly string[], body: string, header: string, toleranceSeconds = 300, now = Date.now()): boolean {
  return verifyBody(secrets, body, header, { toleranceSeconds, now });
}

export interface DeliveryDeps {
  config: Config;
  store: Store;
  timeoutMs?: number;
  /** Name resolution for webhook hosts (default: the system resolver). */
  resolve?: Resolve;
}

export function createDeliveryActivities(deps: DeliveryDeps): DeliveryActivities {
  const base = (deps.config.PUBLIC_BASE_URL ?? `http://${deps.config.API_HOST}:${deps.config.API_PORT}`).replace(/\/+$/, '');
  let secrets: DeliverySecrets | undefined; // opened with the payload key ring at the first delivery

  async function projection(folioId: string): Promise<FolioProjection> {
    const folio = await deps.store.folios.get(folioId);
    if (!folio) throw ApplicationFailure.nonRetryable(`folio ${folioId} has no projection`, 'UnknownFolio');
    return folio;
  }

  /** Signs and POSTs one body to the client's webhook; the answer decides delivered, retry or give up. */
  async function post(folio: FolioProjection, webhookUrl: string, body: string, deliveryId: string): Promise<{ delivered: boolean; status?: number }> {
    secrets ??= new DeliverySecrets(deps.store.clients, codecFromConfig(deps.config));
    const signing = await secrets.signing(folio.clientId);
    if (signing.length === 0) {
      throw ApplicationFailure.nonRetryable(`client ${folio.clientId} has no delivery signing secret: create one with POST /v1/clients/${folio.clientId}/delivery-secrets`, 'NoDeliverySecret');
    }
    let res: { status: number };
    try {
      res = await postWebhook(webhookUrl, body, {
        publicOnly: deps.config.MODE === 'live',
        resolve: deps.resolve,
        timeoutMs: deps.timeoutMs ?? DELIVERY_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'folio-signature': signBody(signing, body), 'folio-delivery-id': deliveryId },
      });
    } catch (e) {
      if (e instanceof WebhookRefusedError) throw ApplicationFailure.nonRetryable(e.message, 'DeliveryUrlRefused');
      throw ApplicationFailure.retryable(`delivery to the client endpoint failed: ${(e as Error).message}`, 'DeliveryUnreachable');
    }
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      throw ApplicationFailure.retryable(`client endpoint answered ${res.status}`, 'DeliveryRetryableStatus');
    }
    throw ApplicationFailure.nonRetryable(`client endpoint refused the delivery with ${res.status}`, 'DeliveryRejected', { status: res.status });
  }

  return {
    async deliverResult({ folioId, flags, projection: completed }) {
      // the completed state the workflow hands over is stored first: what the client then reads is what it is told
      if (completed) await writeProjection(deps.store, completed);
      const folio = await projection(folioId);
      const webhookUrl = folio.request?.delivery?.webhookUrl;
      if (!webhookUrl) return { delivered: false };
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
        // what the folio completed with that the client should notice, e.g. a departure its policy accepts
        ...(flags?.length && { flags }),
        documentUrl: folio.document ? `${base}/v1/folios/${folioId}/document` : null,
        folioUrl: `${base}/v1/folios/${folioId}`,
        sentAt: new Date().toISOString(),
      });
      return post(folio, webhookUrl, body, `${folioId}:${folio.status}`);
    },

    /** Tells the client something it may act on while the chase goes on (`folio.no_such_booking`, `folio.authorization_required`). */
    async notifyClient({ folioId, kind, message, action, form }: ClientNotification) {
      const folio = await projection(folioId);
      const webhookUrl = folio.request?.delivery?.webhookUrl;
      if (!webhookUrl) return { delivered: false };
      const body = JSON.stringify({
        type: kind,
        folioId,
        clientReference: folio.clientReference,
        status: folio.status,
        hotelId: folio.hotelId,
        message,
        ...(form && { form }),
        ...(action && { action: { method: action.method, url: `${base}${action.path}`, description: action.description } }),
        folioUrl: `${base}/v1/folios/${folioId}`,
        sentAt: new Date().toISOString(),
      });
      return post(folio, webhookUrl, body, `${folioId}:${kind}`);
    },
  };
}
