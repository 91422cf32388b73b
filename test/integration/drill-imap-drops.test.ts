// Fault drill, bounded and on loopback only: the inbox monitor reaches Dovecot through a TCP proxy, and
// while the simulated hotels' PDF replies are landing every IMAP connection is cut every 2-3 s (one cut
// half-way through a message's download). The monitor must reconnect by itself, and every folio still
// completes as in a clean run: each hotel batch was written to once, each reply acted on once, each folio
// got its document once, and the projections agree with the workflows.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { Mailer } from '../../adapters/email/mailer';
import { InboxMonitor } from '../../adapters/email/inbox-monitor';
import { parseGuestLines } from '../../adapters/email/templates';
import { startMailResponder, staticDirectory, type MailResponder, type SimulatedHotel } from '../../sandbox/hotels/mail-responder';
import type { HotelMail, MailSystem } from '../../sandbox/mail';
import { FolioStatus, TERMINAL_STATUSES, folioWorkflowId, type FolioRequest } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { folioWorkflowType, documentReceivedSignal, folioStateQuery, type FolioState } from '../../workflows/definitions';
import { allDay, daysFromNow } from '../helpers/lifecycle-world';
import { startMongo, startTemporal } from '../helpers/stack';
import { startMail, mailEnv } from '../helpers/mail';
import { startEmailWorker } from '../helpers/email-worker';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { edgeFor } from '../../temporal/edge';

const GUESTS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra', 'Frances Allen', 'Donald Knuth', 'Radia Perlman', 'Tony Hoare', 'Margaret Hamilton'];
/** Folios per hotel: 10 folios at 4 email-only hotels. */
const PER_HOTEL = [3, 3, 2, 2];
const MIN_CUTS = 5;
const CUT_EVERY_MS = 2500;
/** One hotel's folios start every 3 s, so replies keep landing while the cuts go on. */
const HOTEL_EVERY_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault drill: the IMAP connection drops repeatedly', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let mail: MailSystem;
  let stopWorker: (() => Promise<void>) | undefined;
  let monitor: InboxMonitor;
  let responder: MailResponder;
  let mailer: Mailer;
  let store: Store;
  let proxy: TcpProxy;
  let stopWatchingHotels: () => void;
  let taskQueue: string;
  const run = randomUUID().slice(0, 6);
  /** What reached the hotels' side of SMTP: the vendor edge's record of our request emails. */
  const received: { messageId: string; to: string[]; confirmations: string[] }[] = [];
  const hotelAddress = (h: number) => `desk@imd-${run}-${h}.example`;

  before(async () => {
    const [t, mongo, m] = await Promise.all([startTemporal(), startMongo(), startMail()]);
    env = t;
    mail = m;
    proxy = await startTcpProxy(mail.imapPort);
    taskQueue = `drill-imap-${run}`;
    const config = loadConfig({ ...mailEnv(mail, 'imapdrill'), IMAP_PORT: String(proxy.port), TEMPORAL_TASK_QUEUE: taskQueue, BATCH_WINDOW_SECONDS: '1', LOG_LEVEL: 'warn' });
    store = new Store(mongo.db());
    await store.ensureIndexes();
    const documents = store.documents;
    mailer = new Mailer(config);
    ({ stop: stopWorker } = await startEmailWorker({ env, config, store, mailer, documents }));
    const mine = new Set(PER_HOTEL.map((_, h) => hotelAddress(h)));
    stopWatchingHotels = mail.onHotelMail((hm: HotelMail) => {
      const to = hm.recipients.filter((r) => mine.has(r.toLowerCase()));
      if (to.length) received.push({ messageId: hm.parsed.messageId ?? '', to, confirmations: parseGuestLines(hm.parsed.text ?? '').map((g) => g.confirmationNumber) });
    });
    const hotels: Record<string, SimulatedHotel> = Object.fromEntries(PER_HOTEL.map((_, h) => [hotelAddress(h), { hotelId: `imd-${run}-${h}`, name: `Drill Hotel ${h}`, profile: 'replies-with-pdf' }]));
    responder = startMailResponder({ mail, delayMs: 1500, directory: staticDirectory(hotels) });
    // production backoff: the drill also shows how long repeated drops keep the inbox away
    monitor = new InboxMonitor({ config, store, documents, signaler: edgeFor(env.client, config), pollIntervalMs: 1000, logger: logger.child({}, { level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    monitor.start();
  });

  after(async () => {
    stopWatchingHotels?.();
    await monitor?.stop();
    await responder?.stop();
    await proxy?.close();
    await stopWorker?.();
    mailer?.close();
  });

  it('every folio completes once, each batch is written to once, each reply acted on once', async () => {
    const requests: FolioRequest[] = [];
    for (const [h, n] of PER_HOTEL.entries()) {
      const hotelId = `imd-${run}-${h}`;
      await store.hotels.upsert(HotelConfig.parse({ hotelId, name: `Drill Hotel ${h}`, phone: `+4416329601${h}0`, timeZone: 'Europe/London', country: 'GB', emails: [hotelAddress(h)], businessHours: allDay, channelPreference: 'email-only', sandboxProfile: 'replies-with-pdf' }));
      for (let g = 0; g < n; g++) {
        const [firstName, lastName] = GUESTS[requests.length]!.split(' ') as [string, string];
        requests.push({
          folioId: randomUUID(),
          clientId: 'drill',
          clientReference: `imd-${run}-${h}-${g}`, // unique per run: other drills share the server
          hotelId,
          guest: { firstName, lastName, additionalNames: [] },
          confirmationNumber: `IMD${run.toUpperCase()}${h}${g}`,
          checkIn: daysFromNow(-4),
          checkOut: daysFromNow(-2),
          delivery: {},
          priority: 'normal',
          receivedAt: new Date().toISOString(),
        });
      }
    }
    const handle = (req: FolioRequest) => env.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference));
    const startHotel = async (h: number) => {
      for (const req of requests.filter((r) => r.hotelId === `imd-${run}-${h}`)) {
        await env.client.workflow.start(folioWorkflowType.name, { args: [req, { checkoutGraceHours: 0 }], taskQueue, workflowId: folioWorkflowId(req.clientId, req.clientReference) });
      }
    };

    /** Open connections once the monitor has had up to `ms` to (re)connect; a function, so nothing narrows it. */
    const connected = async (ms: number) => {
      for (const end = Date.now() + ms; proxy.open === 0 && Date.now() < end; ) await sleep(100);
      return proxy.open;
    };
    assert.equal(await connected(10_000), 1, 'the monitor is connected through the proxy before the drill');
    const started = Date.now();
    const deadline = started + 200_000;
    // the first message download through the proxy is cut half-way through its literal
    const midFetch = { cuts: 0 };
    void proxy.cutOnUpstream((chunk) => chunk.includes('BODY[] {')).then(() => void midFetch.cuts++);
    let hotelsStarted = 0;
    let lastCut = Date.now();
    let cutting = true;
    let last: (FolioState | undefined)[] = [];
    const report = () =>
      JSON.stringify({
        cuts: proxy.cuts,
        midFetch: midFetch.cuts,
        connections: proxy.connections,
        open: proxy.open,
        replies: responder.sent,
        requests: received.length,
        monitor: monitor.counters,
        folios: last.map((s) => (s ? `${s.status}: ${s.history.map((x) => x.status).join('>')}` : 'unqueryable')),
      });
    for (;;) {
      assert.ok(Date.now() < deadline, `the drill did not settle within 200 s: ${report()}`);
      if (hotelsStarted < PER_HOTEL.length && Date.now() - started >= hotelsStarted * HOTEL_EVERY_MS) await startHotel(hotelsStarted++);
      if (cutting) {
        // a cut only counts if it severed something: while the monitor backs off there is nothing to cut
        if (Date.now() - lastCut >= CUT_EVERY_MS && proxy.open > 0) {
          proxy.cutAll();
          lastCut = Date.now();
        }
        cutting = proxy.cuts < MIN_CUTS || midFetch.cuts === 0 || hotelsStarted < PER_HOTEL.length || responder.sent < PER_HOTEL.length;
      }
      last = await Promise.all(requests.map((r) => handle(r).query(folioStateQuery).catch(() => undefined)));
      // a folio waiting for a person has settled too: the assertions below say which and why
      const settled = last.every((s) => s && (TERMINAL_STATUSES.includes(s.status) || s.status === FolioStatus.NeedsReview || s.status === FolioStatus.NeedsAttention));
      if (!cutting && settled) break;
      await sleep(250);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    // the terminal state of a clean run (email-e2e.test.ts): Completed from the emailed PDF, never phoned
    for (const [i, req] of requests.entries()) {
      const s = last[i]!;
      assert.equal(s.status, FolioStatus.Completed, `${req.clientReference} ended ${s.status}: ${JSON.stringify(s.reviewReasons ?? s.attention)}; ${report()}`);
      assert.equal(s.document?.source, 'email', req.clientReference);
      assert.equal(s.document?.filename, `Folio_${req.confirmationNumber}.pdf`, req.clientReference);
      assert.equal(s.extracted?.confirmationNumber, req.confirmationNumber, req.clientReference);
      assert.deepEqual(s.attempts, { calls: 0, emails: 1, reminders: 0, callbacks: 0 }, `${req.clientReference}: one request email, no reminder, never phoned`);
      const results = await handle(req).result();
      assert.equal(results.status, FolioStatus.Completed, req.clientReference);
    }

    // the monitor came back by itself after every cut, and is connected now
    const openAtEnd = await connected(45_000); // after several cuts the backoff reaches its 30 s cap (+20% jitter)
    assert.ok(proxy.cuts >= MIN_CUTS, `at least ${MIN_CUTS} cuts: ${report()}`);
    assert.equal(midFetch.cuts, 1, 'one cut landed half-way through a message download');
    assert.ok(proxy.connections > proxy.cuts, `reconnected after the last cut: ${report()}`);
    assert.equal(openAtEnd, 1, `connected again at the end: ${report()}`);

    // the hotels' side: each folio was in exactly one request email, and no email arrived twice
    const batchesOf = new Map<string, number>();
    for (const r of received) for (const c of r.confirmations) batchesOf.set(c, (batchesOf.get(c) ?? 0) + 1);
    assert.deepEqual(
      requests.map((r) => [r.confirmationNumber, batchesOf.get(r.confirmationNumber) ?? 0]),
      requests.map((r) => [r.confirmationNumber, 1]),
      'each folio was asked for in exactly one email',
    );
    assert.equal(new Set(received.map((r) => r.messageId)).size, received.length, `no request email reached a hotel twice: ${JSON.stringify(received)}`);
    const sent = await store.emails.all();
    assert.deepEqual(
      sent.map((e) => [e.kind, e.state]),
      received.map(() => ['request', 'sent']),
      'our records: one request per email the hotels received, and no reminder',
    );
    assert.equal(responder.sent, received.length, 'the hotels replied once per request');

    // each reply was acted on once: one ledger entry, one signal per folio, one document per folio
    const ledger = await store.inbox.all();
    assert.deepEqual(
      ledger.map((p) => p.outcome),
      received.map(() => 'signalled'),
      `every reply in the ledger once, all signalled: ${JSON.stringify(ledger)}`,
    );
    assert.deepEqual(ledger.flatMap((p) => p.folioIds).sort(), requests.map((r) => r.folioId).sort(), 'each folio named by exactly one reply');
    assert.equal(monitor.counters.signalled, received.length, `no reply signalled twice: ${report()}`);
    assert.equal(monitor.counters.unmatched, 0, `no reply left unmatched: ${report()}`);
    for (const req of requests) {
      const history = await handle(req).fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === documentReceivedSignal.name);
      assert.equal(signals.length, 1, `${req.clientReference}: one ${documentReceivedSignal.name} signal`);
      const stored = await store.folios.timeline(req.folioId, { type: 'DocumentStored' });
      assert.equal(stored.length, 1, `${req.clientReference}: one DocumentStored event`);
      // the projection is what the workflow says, now that it has ended
      const p = await store.folios.get(req.folioId);
      const s = await handle(req).query(folioStateQuery);
      assert.deepEqual(
        { status: p?.status, documentId: p?.document?.documentId, attempts: p?.attempts },
        { status: s.status, documentId: s.document?.documentId, attempts: s.attempts },
        `projection of ${req.clientReference}`,
      );
    }
    process.stdout.write(`      drill: ${proxy.cuts} IMAP cuts, ${proxy.connections - 1} reconnects, ${requests.length} folios completed in ${seconds} s, ${received.length} request emails\n`);
  });
});
