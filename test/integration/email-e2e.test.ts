// End to end on a real Temporal dev server: a folio at an email-only hotel is asked for by email
// (real SMTP), the simulated hotel replies with its PDF folio, the inbox monitor (real IMAP) signals the
// folio workflow, the local extractor reads the PDF, validation passes: Completed, no manual step.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { startMailResponder, staticDirectory, type MailResponder } from '../../sandbox/hotels/mail-responder';
import { FolioStatus, folioWorkflowId, type FolioRequest } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { folioWorkflowType, folioStateQuery, type FolioState } from '../../workflows/definitions';
import { startMongo, startTemporal } from '../helpers/stack';
import { startMail, mailEnv } from '../helpers/mail';
import { startEmailWorker } from '../helpers/email-worker';
import { edgeFor } from '../../temporal/edge';
import { allDay, daysFromNow } from '../helpers/dates';

const day = daysFromNow;

describe('email-only hotel, end to end', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  let stopWorker: (() => Promise<void>) | undefined;
  let monitor: InboxMonitor;
  let responder: MailResponder;
  let mailer: Mailer;
  let store: Store;
  let taskQueue: string;

  before(async () => {
    const [t, mongo, mail] = await Promise.all([startTemporal(), startMongo(), startMail()]);
    env = t;
    taskQueue = `email-e2e-${randomUUID()}`;
    const config = loadConfig({ ...mailEnv(mail, 'folios'), TEMPORAL_TASK_QUEUE: taskQueue, BATCH_WINDOW_SECONDS: '1', LOG_LEVEL: 'warn' });
    store = new Store(mongo.db());
    await store.ensureIndexes();
    const documents = store.documents;
    mailer = new Mailer(config);
    ({ stop: stopWorker } = await startEmailWorker({ env, config, store, mailer, documents }));
    responder = startMailResponder({ mail, delayMs: 200, directory: staticDirectory({ 'frontdesk@seaside.example': { hotelId: 'seaside', name: 'Seaside Hotel', profile: 'replies-with-pdf' } }) });
    monitor = new InboxMonitor({ config, store, documents, signaler: edgeFor(env.client, config), pollIntervalMs: 1000, logger: logger.child({}, { level: 'warn' }) });
    monitor.start();
  });

  after(async () => {
    await monitor?.stop();
    await responder?.stop();
    await stopWorker?.();
    mailer?.close();
  });

  it('request → email → PDF reply → extraction → Completed', async () => {
    const hotel = HotelConfig.parse({ hotelId: 'seaside', name: 'Seaside Hotel', phone: '+441632960001', timeZone: 'Europe/London', country: 'GB', emails: ['frontdesk@seaside.example'], businessHours: allDay, channelPreference: 'email-only', sandboxProfile: 'replies-with-pdf' });
    await store.hotels.upsert(hotel);
    const req: FolioRequest = {
      folioId: randomUUID(),
      clientId: 'client-e2e',
      clientReference: `ref-${randomUUID().slice(0, 8)}`,
      hotelId: 'seaside',
      guest: { firstName: 'Grace', lastName: 'Hopper', additionalNames: [] },
      confirmationNumber: 'SEA48213',
      checkIn: day(-4),
      checkOut: day(-2),
      delivery: {},
      priority: 'normal',
      receivedAt: new Date().toISOString(),
    };
    const workflowId = folioWorkflowId(req.clientId, req.clientReference);
    await env.client.workflow.start(folioWorkflowType.name, { args: [req, { checkoutGraceHours: 0 }], taskQueue, workflowId });
    const handle = env.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 45_000;
    let state: FolioState;
    for (;;) {
      state = await handle.query(folioStateQuery);
      if ([FolioStatus.Completed, FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.Unobtainable].includes(state.status)) break;
      assert.ok(Date.now() < deadline, `stuck in ${state.status}: ${JSON.stringify(state.history)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(state.status, FolioStatus.Completed, `ended ${state.status}: ${JSON.stringify(state.reviewReasons ?? state.attention)}`);
    assert.equal(state.document?.source, 'email');
    assert.equal(state.document?.filename, 'Folio_SEA48213.pdf');
    assert.equal(state.extracted?.confirmationNumber, 'SEA48213');
    assert.equal(state.attempts.calls, 0, 'never phoned');
  });
});
