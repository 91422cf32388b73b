// What Temporal keeps (issue 14 item 13): failure messages and stack traces in history, workflow ids that
// carry a client's reference, and payloads written around our codec. Through the API, the Temporal dev server
// and a worker with the real workflow bundle and data converter; the mail server's refusal is the vendor edge.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { dataConverter } from '../../temporal/data-converter';
import { codecFromConfig } from '../../temporal/codec';
import { opaqueFolioWorkflowId } from '../../temporal/workflow-ids';
import { emailRequestWorkflowType, type EmailRequestInput } from '../../workflows/definitions';
import type { EmailRequestResult } from '../../domain/model';
import { call, folioInput, HOTEL, startApi, type ApiHandle } from '../helpers/api';
import { startTemporal, workflowBundle } from '../helpers/stack';

const GUEST = 'Ada Lovelace';
const CONFIRMATION = 'CONF-77331';
const HOTEL_EMAIL = 'reception@sonnenhof.example';
const key = () => randomUUID().replace(/-/g, '').slice(0, 32);
const liveKeys = `live1:${Buffer.from(key()).toString('base64')}`;

const emailInput = (): EmailRequestInput => ({
  emailId: `email:${randomUUID()}`,
  kind: 'request',
  hotel: { hotelId: 'h-sonnenhof', name: 'Hotel Sonnenhof', phone: '+498912345678', emails: [HOTEL_EMAIL], timeZone: 'Europe/Berlin', language: 'de', businessHours: [], closedDates: [], channelPreference: 'auto' } as unknown as EmailRequestInput['hotel'],
  guests: [{ folioId: 'f-1', workflowId: 'folio-1', guestName: GUEST, confirmationNumber: CONFIRMATION, checkIn: '2026-11-01', checkOut: '2026-11-03' }],
});

/** Every byte Temporal stores for the workflow, as the server hands it out (no codec). */
async function rawHistory(client: Client, workflowId: string) {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return { events: history?.events ?? [], bytes: Buffer.from(temporal.api.history.v1.History.encode(history ?? {}).finish()) };
}

async function runWorker<T>(config: Config, taskQueue: string, activities: object, fn: () => Promise<T>): Promise<T> {
  const env = await startTemporal();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, dataConverter: dataConverter(config) });
  return worker.runUntil(fn());
}

describe('security: what Temporal keeps', function () {
  this.timeout(180_000);

  describe('item 13: failure messages and stack traces are encrypted in history', () => {
    it("a mail server's refusal naming the hotel address and the guest is readable to the workflow, not in history", async () => {
      const env = await startTemporal();
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const client = new Client({ connection: env.connection, dataConverter: dataConverter(config) });
      const taskQueue = `failures-${randomUUID()}`;
      const refusal = `550 5.1.1 <${HOTEL_EMAIL}>: no mailbox here for guest ${GUEST} (${CONFIRMATION})`;
      const activities = { sendEmailRequest: async () => Promise.reject(ApplicationFailure.nonRetryable(refusal, 'MailConfigError')) };
      const input = emailInput();
      const result = await runWorker(config, taskQueue, activities, () => client.workflow.execute(emailRequestWorkflowType.name, { taskQueue, workflowId: input.emailId, args: [input] }) as Promise<EmailRequestResult>);
      assert.match(String(result.unsent), new RegExp(`could not send: ${refusal.replace(/[()<>.]/g, '.')}`), 'the workflow did not see the message');

      const { events, bytes } = await rawHistory(client, input.emailId);
      for (const secret of [GUEST, CONFIRMATION, HOTEL_EMAIL, 'no mailbox here', 'sendEmailRequest (']) assert.ok(!bytes.includes(secret), `"${secret}" is readable in history`);
      const failed = events.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure;
      assert.ok(failed, 'no ActivityTaskFailed event');
      assert.equal(failed.message, 'Encoded failure');
      assert.equal(failed.stackTrace ?? '', '');
      assert.equal(Buffer.from(failed.encodedAttributes?.metadata?.encoding ?? []).toString(), 'binary/encrypted');
      // the type stays readable: operators and retry policies need it, and it names no one
      assert.equal(failed.applicationFailureInfo?.type, 'MailConfigError');
    });
  });

  describe('item 13: workflow ids are opaque', () => {
    let api: ApiHandle;
    before(async () => {
      api = await startApi();
      assert.equal((await call(api.url, 'POST', '/v1/hotels', { key: api.keys.operator, body: HOTEL })).status, 201);
    });
    after(async () => api?.close());

    it("a client's reference (here a guest's name and booking number) never reaches a workflow id; a repeat maps to the same workflow", async () => {
      const clientReference = `ada-lovelace-${CONFIRMATION}-${randomUUID().slice(0, 6)}`;
      const body = folioInput({ clientReference });
      const first = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const workflowId = String(first.body.workflowId);
      assert.match(workflowId, /^folio-[0-9a-f]{32}$/);
      for (const leak of [clientReference, 'lovelace', CONFIRMATION, 'client-a']) assert.ok(!workflowId.toLowerCase().includes(leak.toLowerCase()), `the workflow id carries "${leak}"`);
      // what Temporal lists and stores under that id
      const described = await api.temporal.workflow.getHandle(workflowId).describe();
      assert.equal(described.workflowId, workflowId);
      // read raw (the shared dev server holds other tests' workflows, encrypted with other keys)
      const list = async (query: string) =>
        ((await api.temporal.workflowService.listWorkflowExecutions({ namespace: 'default', query, pageSize: 1000 })).executions ?? []).map((e) => e.execution?.workflowId ?? '');
      const listed = await list(`WorkflowType = 'folioWorkflow'`);
      assert.ok(listed.includes(workflowId));
      assert.ok(!listed.some((id) => id.includes(clientReference)), 'a listed workflow id carries the reference');

      // idempotency: the same request answers 200 with the same workflow, and Temporal holds one execution
      const repeat = await call(api.url, 'POST', '/v1/folios', { key: api.keys.a, body });
      assert.equal(repeat.status, 200);
      assert.equal(repeat.body.workflowId, workflowId);
      assert.equal(opaqueFolioWorkflowId(api.config, 'client-a', clientReference), workflowId, 'the same client request maps to another id');
      assert.equal((await list(`WorkflowId = '${workflowId}'`)).length, 1);
      // another client with the same reference gets a workflow of its own
      const other = await call(api.url, 'POST', '/v1/folios', { key: api.keys.b, body });
      assert.equal(other.status, 202);
      assert.notEqual(other.body.workflowId, workflowId);
      // the id is keyed: without the key ring it cannot be recomputed from a guessed reference
      assert.notEqual(opaqueFolioWorkflowId({ MODE: 'live', PAYLOAD_KEYS: liveKeys, PAYLOAD_ACTIVE_KEY_ID: undefined }, 'client-a', clientReference), workflowId);
    });
  });

  describe('item 13: live mode refuses payloads that are not encrypted', () => {
    it('a workflow started around the codec (plain JSON input, e.g. by the CLI or anyone with Temporal access) never runs; an encrypted one does', async () => {
      const env = await startTemporal();
      const live = { ...loadConfig({ LOG_LEVEL: 'silent' }), MODE: 'live', PAYLOAD_KEYS: liveKeys } as Config;
      const taskQueue = `unencrypted-${randomUUID()}`;
      const sent: string[] = [];
      const activities = { sendEmailRequest: async (i: EmailRequestInput) => (sent.push(i.emailId), { emailId: i.emailId, messageId: '<m@folio.test>' }) };
      const plain = new Client({ connection: env.connection });
      const encrypted = new Client({ connection: env.connection, dataConverter: dataConverter(live) });
      const forged = emailInput();
      const genuine = emailInput();
      await runWorker(live, taskQueue, activities, async () => {
        await plain.workflow.start(emailRequestWorkflowType.name, { taskQueue, workflowId: forged.emailId, args: [forged] });
        await encrypted.workflow.execute(emailRequestWorkflowType.name, { taskQueue, workflowId: genuine.emailId, args: [genuine] });
        // the forged one: its workflow task fails on the refused payload, over and over, and nothing is sent
        const deadline = Date.now() + 60_000;
        for (;;) {
          const { events } = await rawHistory(plain, forged.emailId);
          const failure = events.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
          if (failure) {
            // the refusal is itself an encrypted failure; decrypted, it says why
            const [attrs] = await codecFromConfig(live).decode([failure.encodedAttributes!]);
            assert.match(String(defaultPayloadConverter.fromPayload<{ message: string }>(attrs!).message), /not encrypted/);
            break;
          }
          assert.ok(Date.now() < deadline, 'the unencrypted start was not refused');
          await new Promise((r) => setTimeout(r, 300));
        }
      });
      assert.deepEqual(sent, [genuine.emailId]);
      const { events } = await rawHistory(plain, forged.emailId);
      assert.ok(!events.some((e) => e.activityTaskScheduledEventAttributes), 'the forged workflow scheduled an activity');
      await plain.workflow.getHandle(forged.emailId).terminate('test over');
    });
  });
});
