// /v1/clients/{clientId}: a client's settings (policy, call quotas, allowed countries) and its delivery
// signing secrets. A client key reaches only its own (another client's is 404) and may change its policy
// and its secrets; quotas and allowed countries are set by operators.
import express, { type Router, type Response } from 'express';
import { DEFAULT_CLIENT_POLICY } from '../../domain/model';
import { DeliverySecrets } from '../../adapters/http/delivery-secrets';
import { codecFromConfig } from '../../temporal/codec';
import type { ApiDeps } from '../deps';
import { principalOf } from '../auth';
import { ApiError, notFound, parse } from '../errors';
import { ClientIdParams, ClientSettingsPatch, RotateSecretBody, SecretIdParams } from '../contract';
import { allowedCountriesFor } from '../folio-requests';

export function createClientsRouter(deps: ApiDeps): Router {
  const router = express.Router();
  // Sealed with the process's payload key ring, the same one the worker's delivery activity opens them with.
  const secrets = new DeliverySecrets(deps.store.clients, codecFromConfig(deps.config));

  /** The client id of the path, if this key may act for it (a client key only for itself; otherwise 404). */
  function ownClient(res: Response, params: unknown): string {
    const { clientId } = parse(ClientIdParams, params, 'params');
    const p = principalOf(res);
    if (p.role !== 'operator' && p.clientId !== clientId) throw notFound(`client ${clientId}`);
    return clientId;
  }

  async function settings(clientId: string) {
    const doc = await deps.store.clients.get(clientId);
    return {
      clientId,
      policy: { ...DEFAULT_CLIENT_POLICY, ...doc?.policy },
      quotas: { concurrentCalls: doc?.quotas?.concurrentCalls ?? deps.config.CLIENT_MAX_CONCURRENT_CALLS, callsPerDay: doc?.quotas?.callsPerDay ?? deps.config.CLIENT_MAX_CALLS_PER_DAY },
      allowedCountries: await allowedCountriesFor(deps, clientId),
      deliverySecrets: await secrets.list(clientId),
    };
  }

  router.get('/:clientId', async (req, res) => {
    res.json(await settings(ownClient(res, req.params)));
  });

  router.patch('/:clientId', async (req, res) => {
    const clientId = ownClient(res, req.params);
    const change = parse(ClientSettingsPatch, req.body ?? {});
    if (principalOf(res).role !== 'operator') {
      const notYours = (['quotas', 'allowedCountries'] as const).filter((k) => change[k] !== undefined);
      if (notYours.length) throw new ApiError(403, 'forbidden', `${notYours.map((k) => `body.${k}`).join(' and ')}: set by operators only`, notYours.map((k) => ({ field: `body.${k}`, problem: 'operators only' })));
    }
    await deps.store.clients.change(clientId, change);
    deps.logger.info({ clientId, fields: Object.keys(change) }, 'client settings changed');
    res.json(await settings(clientId));
  });

  router.post('/:clientId/delivery-secrets', async (req, res) => {
    const clientId = ownClient(res, req.params);
    const body = parse(RotateSecretBody, req.body ?? {});
    const rotated = await secrets.rotate(clientId, (body.overlapHours ?? deps.config.DELIVERY_SECRET_OVERLAP_HOURS) * 3600);
    deps.logger.info({ clientId, secretId: rotated.secretId, previousExpireAt: rotated.previousExpireAt }, 'delivery secret rotated');
    res.status(201).location(`/v1/clients/${clientId}`).json(rotated);
  });

  router.delete('/:clientId/delivery-secrets/:secretId', async (req, res) => {
    ownClient(res, req.params);
    const { clientId, secretId } = parse(SecretIdParams, req.params, 'params');
    const r = await secrets.revoke(clientId, secretId);
    if (r === 'not_found') throw notFound(`delivery secret ${secretId}`);
    if (r === 'last_secret') throw new ApiError(409, 'last_secret', `secret ${secretId} is the only one that signs: rotate first (POST /v1/clients/${clientId}/delivery-secrets)`);
    deps.logger.info({ clientId, secretId }, 'delivery secret revoked');
    res.status(204).end();
  });

  return router;
}
