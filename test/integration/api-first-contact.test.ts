// Folios the API starts carry the deployment's first contact in their start input (CHASE_FIRST_CONTACT, default
// email-early), so a folio keeps the order it started with; the workflow's own default, for inputs without the
// field (as recorded histories have), stays call-after-grace.
import assert from 'node:assert/strict';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DEFAULT_CHASE_POLICY } from '../../domain/chase-policy';
import { dataConverter } from '../../temporal/data-converter';
import type { FolioStartOptions } from '../../workflows/definitions';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';

/** The decoded arguments the folio workflow was started with (the first event of its history). */
async function startInput(api: ApiHandle, workflowId: string): Promise<unknown[]> {
  const events = (await api.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  let payloads = (events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[];
  for (const codec of [...(dataConverter(api.config).payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  return payloads.map((p) => defaultPayloadConverter.fromPayload(p));
}

async function createFolio(api: ApiHandle): Promise<string> {
  const created = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body: folioInput() });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  return String(created.body.workflowId);
}

describe('API: the first contact a folio starts with', function () {
  this.timeout(120_000);

  it('without any setting: email-early in the start input, while the workflow default stays call-after-grace', async () => {
    const api = await startApi();
    try {
      assert.equal((await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
      const [request, options] = await startInput(api, await createFolio(api));
      assert.equal((request as { clientId: string }).clientId, 'client-a');
      assert.equal((options as FolioStartOptions).chasePolicy?.firstContact, 'email-early');
      // inputs without the field (histories recorded before) still mean what they meant
      assert.equal(DEFAULT_CHASE_POLICY.firstContact, 'call-after-grace');
    } finally {
      await api.close();
    }
  });

  it('CHASE_FIRST_CONTACT=call-after-grace, CHASE_FIRST_CALL_DELAY_HOURS=30: the deployment chooses both', async () => {
    const api = await startApi({ env: { CHASE_FIRST_CONTACT: 'call-after-grace', CHASE_FIRST_CALL_DELAY_HOURS: '30' } });
    try {
      assert.equal((await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
      const [, options] = await startInput(api, await createFolio(api));
      assert.equal((options as FolioStartOptions).chasePolicy?.firstContact, 'call-after-grace');
      assert.equal((options as FolioStartOptions).chasePolicy?.firstCallDelayHours, 30);
    } finally {
      await api.close();
    }
  });
});
