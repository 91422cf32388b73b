// The inbox monitor as its own process against a real Temporal dev server: a hotel reply becomes a
// `documentReceived` signal in the folio workflow's history; a folio that has ended is recorded, not
// fatal; SIGTERM stops the process cleanly.
import { folioWorkflowType } from '../../workflows/definitions';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { Mailer } from '../../adapters/email/mailer';
import { createEmailActivities } from '../../activities/email';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import type { MailSystem } from '../../sandbox/mail';
import { ROOT, startMongo, startProcess, startTemporal } from '../helpers/stack';
import { startMail, mailEnv } from '../helpers/mail';

describe('inbox monitor process → Temporal', function () {
  this.timeout(40_000);
  let temporal: TestWorkflowEnvironment;
  let mail: MailSystem;
  let child: ChildProcess;
  let replyTo: string;
  let requestId: string;
  let store: Store;

  const signalsIn = async (workflowId: string) => {
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => e.workflowExecutionSignaledEventAttributes!.signalName);
  };
  async function ledger(key: string, deadline: number) {
    for (;;) {
      const rec = await store.inbox.processedMessage(key);
      if (rec || Date.now() > deadline) return rec;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  async function reply(k: number, firstName: string, lastName: string, conf: string): Promise<void> {
    const pdf = await renderFolioPdf({ hotelName: 'Pier', guests: [{ firstName, lastName }], arrival: '2026-08-01', departure: '2026-08-03', folioNumber: `P-${k}`, confirmationNumber: conf, currency: 'EUR', nightlyRate: 90 + k, taxRate: 0.1, layout: 'classic' });
    const t = mail.senders.transport('frontdesk@pier.example'); // the hotel's own mail system: its address, its DKIM key
    await t.sendMail({ from: 'frontdesk@pier.example', to: replyTo, subject: 'Re: folio', inReplyTo: requestId, references: [requestId], messageId: `<pier-${k}@pier.example>`, text: 'attached', attachments: [{ filename: `folio-${k}.pdf`, content: pdf }] });
    t.close();
  }

  before(async () => {
    const [t, mongo, m] = await Promise.all([startTemporal(), startMongo(), startMail()]);
    temporal = t;
    mail = m;
    const dbName = `inbox_worker_${process.pid}`;
    const env = { ...mailEnv(mail, 'scratch'), MONGODB_URI: mongo.uri, MONGODB_DB: dbName, TEMPORAL_ADDRESS: temporal.address, LOG_LEVEL: 'warn' };
    const config = loadConfig(env);
    store = new Store(mongo.client.db(dbName));
    const mailer = new Mailer(config);
    const sent = await createEmailActivities({ config, store, mailer }).sendEmailRequest({
      emailId: 'em-pier',
      kind: 'request',
      hotel: { hotelId: 'pier', name: 'Pier Hotel', phone: '+4712345678', emails: ['frontdesk@pier.example'], timeZone: 'Europe/Oslo', language: 'en', businessHours: {}, closedDates: [], channelPreference: 'email-only' },
      guests: [
        { folioId: 'w1', workflowId: 'folio:c1:w1', guestName: 'Ola Berg', confirmationNumber: 'PI-1', checkIn: '2026-08-01', checkOut: '2026-08-03' },
        { folioId: 'w2', workflowId: 'folio:c1:w2', guestName: 'Kari Lund', confirmationNumber: 'PI-2', checkIn: '2026-08-01', checkOut: '2026-08-03' },
      ],
    });
    mailer.close();
    requestId = sent.messageId!;
    replyTo = `scratch+${(await store.emails.get('em-pier'))!.token}@folio.test`;
    // Stand-ins for the folio workflows: started on a queue no worker polls, so they just receive signals.
    for (const id of ['folio:c1:w1', 'folio:c1:w2']) await temporal.client.workflow.start(folioWorkflowType.name, { taskQueue: 'inbox-worker-test', workflowId: id, args: [] });
    await temporal.client.workflow.getHandle('folio:c1:w2').terminate('ended before the reply');
    child = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/inbox-monitor.ts')], { env, cwd: ROOT });
  });

  it('signals the running folio with a document reference and records the ended one', async () => {
    await reply(1, 'Ola', 'Berg', 'PI-1');
    await reply(2, 'Kari', 'Lund', 'PI-2');
    const deadline = Date.now() + 20_000;
    while (!(await signalsIn('folio:c1:w1')).includes('documentReceived')) {
      assert.ok(Date.now() < deadline, 'no documentReceived signal in the workflow history');
      assert.equal(child.exitCode, null, 'the monitor process died');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(await signalsIn('folio:c1:w1'), ['documentReceived']);
    const rec = await ledger('mid:pier-1@pier.example', deadline);
    assert.equal(rec?.outcome, 'signalled');
    assert.deepEqual(rec?.folioIds, ['w1']);
    assert.equal((await ledger('mid:pier-2@pier.example', deadline))?.outcome, 'signalled');
    // the ended folio's signal was written down and relayed; the relay recorded that the workflow had ended
    for (;;) {
      const [cb] = await store.callbacks.forWorkflow('folio:c1:w2');
      if (cb?.state === 'delivered') {
        assert.equal(cb.outcome, 'gone', 'the ended folio is recorded, the monitor lives on');
        break;
      }
      assert.ok(Date.now() < deadline, `the relay never recorded the ended folio: ${JSON.stringify(cb)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(child.exitCode, null);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
