// A whole lifecycle on a real Temporal server: the real workflows, the real lifecycle, extraction and
// delivery activities against FerretDB, and scripted hotels at the vendor edge (what Twilio's callbacks
// and the voice agent would report, sent to the call workflow as the webhooks would).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadConfig, type Config } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { ProjectionWriter, projectionSinks, writeProjection } from '../../activities/projection-writer';
import { createExtractionActivities } from '../../activities/extraction';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import type { DocumentStore } from '../../domain/ports';
import { FolioStatus, folioWorkflowId, hotelDispatchWorkflowId, type BatchGuest, type DocumentRef, type FolioRequest, type GuestOutcome, type Hotel } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import type { AllActivities, ClientNotification, EmailActivities, TelephonyActivities } from '../../workflows/activity-types';
import {
  folioWorkflowType,
  agentToolSignal,
  dispatchStateQuery,
  documentReceivedSignal,
  folioStateQuery,
  recordingReadySignal,
  twilioStatusSignal,
  type CallInput,
  type EmailRequestInput,
  type FolioState,
} from '../../workflows/definitions';
import type { FolioOptions } from '../../workflows/folio';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { createTimeSkipping, startMongo, startTimeSkipping, workflowBundle } from './stack';
import { sha256Hex, sniffFor } from './bytes';
import { allDay, daysFromNow } from './dates';
import { DAY_MS } from '../../domain/calendar';
import { noteCallOnHotel } from '../../activities/telephony';

export { allDay, daysFromNow };
import { edgeFor } from '../../temporal/edge';

/** What one call to a scripted hotel does. */
export type CallScript =
  | { line: 'busy' | 'no-answer' | 'failed' }
  | { line: 'machine' }
  | { line: 'fax' }
  | { line: 'human'; say: (g: BatchGuest) => GuestOutcome | undefined; dropAfterSaying?: boolean }
  | { line: 'human-stalls' };

export interface PlacedCall {
  input: CallInput;
  callSid: string;
  ended?: string;
}

export class LifecycleWorld {
  readonly calls: PlacedCall[] = [];
  readonly emails: EmailRequestInput[] = [];
  readonly scripts = new Map<string, CallScript[]>();
  readonly emailScripts = new Map<string, 'accept' | 'reject'>();
  readonly documents = new MemoryDocuments();
  /** What the folios told their clients while chasing (the signed webhook's kinds and messages). */
  readonly notifications: ClientNotification[] = [];
  /** Optional hotel behaviour for calls not scripted in `scripts` (benchmarks draw it from a population). */
  behaviour?: (input: CallInput, callNumber: number) => CallScript;
  /** Called after each email is "sent" (benchmarks schedule the hotel's reply from here). */
  onEmail?: (input: EmailRequestInput) => void;
  private worker?: Worker;
  private running?: Promise<void>;
  /** The worker's projection writer: passing states reach the store through it. */
  readonly projections: ProjectionWriter;
  private ownServer = false;


  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly store: Store,
    readonly config: Config,
  ) {
    this.projections = new ProjectionWriter(store);
  }

  get client(): Client {
    return this.env.client;
  }

  /**
   * On the shared time-skipping server, unless another environment (the dev server, say) is given or
   * `ownServer` asks for a time-skipping server of this world's own, stopped with it: what a whole lifecycle
   * leaves running then cannot stall another test file's clock.
   */
  static async create(opts: { config?: Partial<Record<string, string>>; env?: TestWorkflowEnvironment; ownServer?: boolean; mail?: (config: Config, store: Store) => EmailActivities } = {}): Promise<LifecycleWorld> {
    const env = opts.env ?? (opts.ownServer ? await createTimeSkipping() : await startTimeSkipping());
    const mongo = await startMongo();
    const store = new Store(mongo.db());
    await store.ensureIndexes();
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: `lifecycle-${randomUUID()}`, BATCH_WINDOW_SECONDS: '60', ...opts.config });
    const world = new LifecycleWorld(env, store, config);
    world.ownServer = !opts.env && !!opts.ownServer;
    const activities: AllActivities = {
      ...createLifecycleActivities({ config, store, temporal: edgeFor(env.client, config), projections: world.projections }),
      ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents: world.documents }),
      ...world.telephony(),
      ...(opts.mail ? opts.mail(config, store) : world.mail()),
      // a completed state is written before the client would be told; nothing is delivered here
      deliverResult: async ({ projection }) => {
        if (projection) await writeProjection(store, projection);
        return { delivered: false };
      },
      notifyClient: async (n) => {
        world.notifications.push(n);
        return { delivered: true, status: 204 };
      },
    };
    world.worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities,
      sinks: projectionSinks(world.projections),
    });
    world.running = world.worker.run();
    return world;
  }

  async stop(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    if (this.ownServer) await this.env.teardown();
  }

  async addHotel(partial: Partial<Hotel> & { hotelId: string }): Promise<Hotel> {
    const hotel = HotelConfig.parse({
      name: `Hotel ${partial.hotelId}`,
      phone: '+441632960001',
      timeZone: 'Europe/London',
      country: 'GB',
      emails: [`frontdesk@${partial.hotelId}.example`],
      businessHours: allDay,
      ...partial,
    });
    await this.store.hotels.upsert(hotel);
    return hotel;
  }

  request(hotelId: string, overrides: Partial<FolioRequest> = {}): FolioRequest {
    const ref = overrides.clientReference ?? `ref-${randomUUID().slice(0, 8)}`;
    const checkOut = daysFromNow(-2);
    return {
      folioId: randomUUID(),
      clientId: 'client-a',
      clientReference: ref,
      hotelId,
      guest: { firstName: 'Ada', lastName: 'Lovelace', additionalNames: [] },
      confirmationNumber: `CNF${Math.floor(Math.random() * 1e6)}`,
      checkIn: daysFromNow(-5),
      checkOut,
      delivery: {},
      priority: 'normal',
      receivedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  async start(req: FolioRequest, options: FolioOptions = { checkoutGraceHours: 0 }) {
    return this.client.workflow.start(folioWorkflowType.name, {
      args: [req, options],
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowId: folioWorkflowId(req.clientId, req.clientReference),
    });
  }

  /** A hotel with these details and call scripts, and a folio started for it. */
  async begin(hotel: Partial<Hotel> & { hotelId: string }, scripts: CallScript[], request: Partial<FolioRequest> = {}, options?: FolioOptions) {
    await this.addHotel(hotel);
    this.scripts.set(hotel.hotelId, scripts);
    const req = this.request(hotel.hotelId, request);
    return { req, handle: await this.start(req, options) };
  }

  /** Advances server time in steps until the folio reaches one of the statuses (time-skipping). */
  /** A workflow's event history (replay fixtures are recorded from these). */
  history(workflowId: string) {
    return this.client.workflow.getHandle(workflowId).fetchHistory();
  }

  async waitFor(workflowId: string, statuses: FolioStatus[], maxSkipMs = 7 * DAY_MS): Promise<FolioState> {
    const handle = this.client.workflow.getHandle(workflowId);
    const start = await this.env.currentTimeMs();
    for (let round = 0; ; round++) {
      const s = await handle.query(folioStateQuery);
      if (statuses.includes(s.status)) {
        await this.projections.settled(); // what the store shows of it, written
        return s;
      }
      const now = await this.env.currentTimeMs();
      if (now - start > maxSkipMs || round > 500) {
        const dispatcher = await this.client.workflow
          .getHandle(hotelDispatchWorkflowId(s.hotelId))
          .query(dispatchStateQuery)
          .catch((e: unknown) => `not queryable: ${String(e)}`);
        throw new Error(`folio stuck in ${s.status} (wanted ${statuses.join('|')}): ${JSON.stringify(s.history)}; its hotel's dispatcher: ${JSON.stringify(dispatcher)}`);
      }
      // jump to the folio's next planned action when it has one; otherwise let other workflows move
      const next = s.nextActionAt ? Date.parse(s.nextActionAt) - now : 0;
      await this.env.sleep(next > 60_000 && next < 40 * DAY_MS ? next + 1_000 : 20_000);
    }
  }

  /** The hotel emails the folio: a real PDF, stored, and signalled as the inbox monitor does. */
  async hotelSendsFolio(req: FolioRequest, opts: { guestName?: { firstName: string; lastName: string }; departure?: string } = {}): Promise<DocumentRef> {
    const pdf = await renderFolioPdf({
      hotelName: `Hotel ${req.hotelId}`,
      guests: [opts.guestName ?? { firstName: req.guest.firstName, lastName: req.guest.lastName }],
      arrival: req.checkIn,
      departure: opts.departure ?? req.checkOut,
      folioNumber: `F-${req.confirmationNumber}`,
      confirmationNumber: req.confirmationNumber,
      currency: 'EUR',
      nightlyRate: 120,
      taxRate: 0.1,
      layout: 'classic',
    });
    const ref = await this.documents.save(pdf, { source: 'email', filename: 'folio.pdf', messageId: `<reply-${randomUUID()}@hotel>` });
    await this.client.workflow.getHandle(folioWorkflowId(req.clientId, req.clientReference)).signal(documentReceivedSignal, ref);
    return ref;
  }

  /** A stored PDF that is not a folio (the guest's signed form a client uploads). */
  hotelDocument(filename = 'form.pdf'): Promise<DocumentRef> {
    return this.documents.save(Buffer.from(`%PDF-1.4\n% ${filename} ${randomUUID()}\n%%EOF\n`), { source: 'upload', filename });
  }

  callsTo(hotelId: string): PlacedCall[] {
    return this.calls.filter((c) => c.input.hotel.hotelId === hotelId);
  }

  // ---- the vendor edge ------------------------------------------------------------------------
  private telephony(): TelephonyActivities {
    const world = this;
    let seq = 0;
    const status = (callId: string, callSid: string, s: string, extra: { answeredBy?: string } = {}) =>
      world.client.workflow.getHandle(callId).signal(twilioStatusSignal, { callSid, status: s, sequence: ++seq, ...extra });
    return {
      async placeCall(input) {
        const existing = world.calls.find((c) => c.input.callId === input.callId);
        if (existing) return { callSid: existing.callSid };
        const callSid = `CA${randomUUID().replace(/-/g, '')}`;
        world.calls.push({ input, callSid });
        const list = world.scripts.get(input.hotel.hotelId);
        const script: CallScript = list ? (list.length > 1 ? list.shift()! : list[0]) : (world.behaviour?.(input, world.callsTo(input.hotel.hotelId).length) ?? { line: 'no-answer' });
        // Twilio is asked for the answer and the end only (adapters/telephony/twilio.ts)
        if (script.line === 'busy' || script.line === 'no-answer' || script.line === 'failed') {
          await status(input.callId, callSid, script.line);
          return { callSid };
        }
        await status(input.callId, callSid, 'in-progress');
        const h = world.client.workflow.getHandle(input.callId);
        if (script.line === 'machine') await status(input.callId, callSid, 'in-progress', { answeredBy: 'machine_end_beep' });
        else if (script.line === 'fax') await status(input.callId, callSid, 'in-progress', { answeredBy: 'fax' });
        else if (script.line === 'human') {
          await status(input.callId, callSid, 'in-progress', { answeredBy: 'human' });
          for (const g of input.guests) {
            const outcome = script.say(g);
            if (outcome) await h.signal(agentToolSignal, { toolCallId: `${callSid}:${g.folioId}`, folioId: g.folioId, outcome });
          }
          await h.signal(recordingReadySignal, { recordingSid: `RE${callSid.slice(2)}`, recordingUrl: 'https://recordings.invalid/x', durationSeconds: 42 });
          await status(input.callId, callSid, 'completed');
        } else {
          await status(input.callId, callSid, 'in-progress', { answeredBy: 'human' });
        }
        return { callSid };
      },
      async leaveVoicemail({ callId, callSid }) {
        world.calls.find((c) => c.callSid === callSid)!.ended = 'voicemail';
        await status(callId, callSid, 'completed');
      },
      async endCall({ callId, callSid, reason }) {
        world.calls.find((c) => c.callSid === callSid)!.ended = reason;
        await h(callId).signal(recordingReadySignal, { recordingSid: `RE${callSid.slice(2)}`, recordingUrl: 'https://recordings.invalid/x', durationSeconds: 9 });
        await status(callId, callSid, 'completed');
      },
      storeRecording: async () => undefined,
      storeCallAnalysis: async () => undefined,
      learnIvrPath: async () => undefined,
      // of the real finishCall, the agreement kept on the hotel (answer rates by hour are left out: scripted lines would skew them)
      finishCall: ({ hotelId, result, endedAt }) => noteCallOnHotel(world.store, hotelId, result, undefined, endedAt),
    };
    function h(callId: string) {
      return world.client.workflow.getHandle(callId);
    }
  }

  private mail(): EmailActivities {
    const world = this;
    return {
      async sendEmailRequest(input) {
        world.emails.push(input);
        world.onEmail?.(input);
        if (world.emailScripts.get(input.hotel.hotelId) === 'reject') return { emailId: input.emailId, rejected: '550 mailbox unavailable' };
        // as the real activity: the address the hotel gave for a guest first, then the hotel's
        const to = input.guests.find((g) => g.writeTo)?.writeTo ?? input.hotel.emails[0];
        if (!to) return { emailId: input.emailId, rejected: 'no email address on file' };
        return { emailId: input.emailId, messageId: `<${input.emailId}@folio.test>`, to };
      },
    };
  }
}

/** Documents kept in memory for lifecycle tests (the GridFS store has its own tests). */
export class MemoryDocuments implements DocumentStore {
  private readonly docs = new Map<string, { bytes: Buffer; ref: DocumentRef }>();
  async save(bytes: Buffer, meta: { filename?: string; source: DocumentRef['source']; messageId?: string }): Promise<DocumentRef> {
    const sha256 = sha256Hex(bytes);
    const ref: DocumentRef = { documentId: sha256.slice(0, 24), sha256, contentType: sniffFor(bytes), size: bytes.length, ...meta };
    this.docs.set(ref.documentId, { bytes, ref });
    return ref;
  }
  async read(documentId: string) {
    const d = this.docs.get(documentId);
    if (!d) throw Object.assign(new Error(`no document ${documentId}`), { name: 'DocumentNotFoundError' });
    return d;
  }
}


export const agrees = (): GuestOutcome => ({ kind: 'agreed' });
