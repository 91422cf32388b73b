// A whole population of simulated hotels around the real lifecycle: the real workflows and the real
// lifecycle, extraction and projection activities (FerretDB), with the population's hotels at the vendor
// edge — what Twilio's callbacks and the voice agent would report, sent as the webhooks would, and hotel
// replies as real PDF folios delivered by durable timers on the same server.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../config';
import { Store } from '../adapters/mongo/store';
import { createLifecycleActivities } from '../activities/lifecycle';
import { createExtractionActivities } from '../activities/extraction';
import { LocalPdfExtractor } from '../adapters/extraction/local-pdf';
import type { DocumentStore } from '../domain/ports';
import { folioWorkflowId, type BatchGuest, type DocumentRef, type FolioRequest, type GuestOutcome } from '../domain/model';
import type { AllActivities, EmailActivities, TelephonyActivities } from '../workflows/activity-types';
import { folioWorkflowType, agentToolSignal, documentReceivedSignal, ivrStepSignal, recordingReadySignal, twilioStatusSignal, type CallInput } from '../workflows/definitions';
import type { FolioOptions } from '../workflows/folio';
import { renderFolioPdf, type FolioLayout } from '../sandbox/folio-pdf';
import {
  drawAgreedReplyHours,
  drawCallShape,
  drawEmailReplyHours,
  drawGuestReply,
  drawLine,
  drawReplyContent,
  ivrDigitsFor,
  prng,
  type HotelBehaviour,
  type Rng,
  type SandboxHotel,
} from '../sandbox/population';
import type { FolioDelivery, SimHotelActivities } from './sim-workflows';
import { edgeFor } from '../temporal/edge';

/** What one simulated call did, with the connected time it would be billed for (a model, see VOICE). */
export interface SimCall {
  callId: string;
  hotelId: string;
  guests: number;
  folioIds: string[];
  line: string;
  /** Seconds Twilio bills (connected: IVR, machine, conversation). */
  connectedSeconds: number;
  /** Seconds the voice agent is connected (a person on the line). */
  agentSeconds: number;
}

/** Modelled durations (seconds) of the parts of a call; ringing is not billed. */
export const VOICE = { ivrLevel: 12, ivrDeadEnd: 60, greeting: 20, perGuest: 35, voicemail: 30, fax: 5, wrapUp: 15 } as const;

export interface SimWorldOptions {
  env: TestWorkflowEnvironment;
  db: Db;
  hotels: SandboxHotel[];
  seed: number;
  /** Every hotel answers at once and agrees, and the folio arrives with no delay (throughput runs). */
  instant?: boolean;
  config?: Partial<Record<string, string>>;
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** The worker's sticky cache of workflow runs (the SDK's default is sized from the machine's memory). */
  maxCachedWorkflows?: number;
}

export class SimWorld {
  readonly calls = new Map<string, SimCall>();
  readonly emails = new Map<string, { emailId: string; hotelId: string; kind: string; guests: number; rejected: boolean }>();
  readonly documents = new MemoryDocuments();
  /** Run ids of every execution started by signal-with-start (hotel dispatchers, the call-slot semaphore). */
  readonly signalWithStartRuns = new Set<string>();
  readonly hotels = new Map<string, SandboxHotel>();
  readonly replyQueue: string;
  private readonly workers: Worker[] = [];
  private running: Promise<unknown>[] = [];
  /** How often placeCall ran per call id (a retry after a crash must not dial the hotel twice). */
  readonly dialled = new Map<string, number>();
  private makeWorkers?: () => Promise<Worker[]>;
  private readonly background = new Set<Promise<unknown>>();

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly store: Store,
    readonly config: Config,
    readonly opts: SimWorldOptions,
  ) {
    for (const h of opts.hotels) this.hotels.set(h.config.hotelId, h);
    this.replyQueue = `${config.TEMPORAL_TASK_QUEUE}-hotels`;
  }

  get client(): Client {
    return this.env.client;
  }

  static async create(opts: SimWorldOptions): Promise<SimWorld> {
    const store = new Store(opts.db);
    await store.ensureIndexes();
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: `sim-${randomUUID().slice(0, 8)}`, ...opts.config });
    const world = new SimWorld(opts.env, store, config, opts);
    for (const h of opts.hotels) await store.hotels.upsert(h.config);
    const activities: AllActivities = {
      ...createLifecycleActivities({ config, store, temporal: edgeFor(world.trackingClient(), config) }),
      ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents: world.documents }),
      ...world.telephony(),
      ...world.mail(),
      deliverResult: async () => ({ delivered: false }),
      notifyClient: async () => ({ delivered: false }),
    };
    const bundle = opts.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }));
    const hotelBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./sim-workflows'), logger: quiet });
    world.makeWorkers = async () => [
      await Worker.create({
        connection: opts.env.nativeConnection,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowBundle: bundle,
        activities,
        maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 50,
        maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTasks ?? 40,
        ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
      }),
      await Worker.create({
        connection: opts.env.nativeConnection,
        taskQueue: world.replyQueue,
        workflowBundle: hotelBundle,
        activities: world.hotelActivities(),
      }),
    ];
    world.workers.push(...(await world.makeWorkers()));
    world.running = world.workers.map((w) => w.run());
    return world;
  }

  /** Stops the workers at once (no grace: in-flight activities are cancelled, cached workflows dropped) and starts new ones. */
  async restartWorkers(): Promise<void> {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(this.running);
    this.workers.splice(0, this.workers.length, ...(await this.makeWorkers!()));
    this.running = this.workers.map((w) => w.run());
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.background]);
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(this.running);
  }

  async start(req: FolioRequest, options: FolioOptions) {
    return this.client.workflow.start(folioWorkflowType.name, {
      args: [req, options],
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowId: folioWorkflowId(req.clientId, req.clientReference),
    });
  }

  /** A client whose signal-with-start records the run it reached (for counting actions from histories). */
  private trackingClient(): Client {
    const wf = this.client.workflow;
    const runs = this.signalWithStartRuns;
    const tracked = new Proxy(wf, {
      get(target, prop) {
        if (prop === 'signalWithStart') {
          return async (...args: Parameters<typeof wf.signalWithStart>) => {
            const h = await target.signalWithStart(...args);
            runs.add(`${h.workflowId}\n${h.signaledRunId}`);
            return h;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return { workflow: tracked } as unknown as Client;
  }

  private behaviourOf(hotelId: string): HotelBehaviour {
    const h = this.hotels.get(hotelId);
    if (!h) throw new Error(`hotel ${hotelId} is not in the simulated population`);
    return h.behaviour;
  }

  /** Each call and each email draws from its own stream, so results do not depend on scheduling order. */
  private rngFor(key: string): Rng {
    return prng(createHash('sha256').update(`${this.opts.seed}:${key}`).digest().readUInt32BE(0));
  }

  private later(p: Promise<unknown>) {
    const tracked = p.catch((err) => process.stderr.write(`[sim] ${String(err)}\n`)).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** A hotel emails folios after `hours` of server time (a timer on the Temporal server, not a wall clock). */
  private scheduleReply(replyId: string, hours: number, deliveries: FolioDelivery[]) {
    if (deliveries.length === 0) return;
    this.later(
      this.client.workflow
        .start('hotelReplyWorkflow', {
          taskQueue: this.replyQueue,
          workflowId: `reply:${replyId}`,
          args: [{ delayMs: Math.max(0, Math.round(hours * 3_600_000)), deliveries }],
        })
        .catch((err) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // an activity retry scheduled it already
        }),
    );
  }

  private delivery(hotelId: string, g: BatchGuest, content: FolioDelivery['content']): FolioDelivery {
    const h = this.hotels.get(hotelId)!;
    return {
      folioWorkflowId: g.workflowId,
      guestName: g.guestName,
      confirmationNumber: g.confirmationNumber,
      checkIn: g.checkIn,
      checkOut: g.checkOut,
      hotelName: h.config.name,
      language: h.config.language,
      content,
    };
  }

  // ---- the vendor edge: telephony ------------------------------------------------------------
  private telephony(): TelephonyActivities {
    const world = this;
    let seq = 0;
    const signalStatus = (callId: string, callSid: string, s: string, extra: { answeredBy?: string; durationSeconds?: number } = {}) =>
      world.client.workflow.getHandle(callId).signal(twilioStatusSignal, { callSid, status: s, sequence: ++seq, ...extra });
    const sidOf = (callId: string) => `CA${createHash('sha256').update(callId).digest('hex').slice(0, 32)}`;

    return {
      async placeCall(input: CallInput) {
        const callSid = sidOf(input.callId);
        world.dialled.set(input.callId, (world.dialled.get(input.callId) ?? 0) + 1);
        if (world.calls.has(input.callId)) return { callSid }; // an activity retry: the call exists
        const hotelId = input.hotel.hotelId;
        const b = world.behaviourOf(hotelId);
        const rng = world.rngFor(input.callId);
        const line = world.opts.instant ? 'answered' : drawLine(b, rng);
        const call: SimCall = { callId: input.callId, hotelId, guests: input.guests.length, folioIds: input.guests.map((g) => g.folioId), line, connectedSeconds: 0, agentSeconds: 0 };
        world.calls.set(input.callId, call);
        const h = world.client.workflow.getHandle(input.callId);
        await signalStatus(input.callId, callSid, 'initiated');
        await signalStatus(input.callId, callSid, 'ringing');
        if (line === 'no-answer' || line === 'busy') {
          await signalStatus(input.callId, callSid, line);
          return { callSid };
        }
        await signalStatus(input.callId, callSid, 'in-progress');
        if (line === 'voicemail') {
          call.connectedSeconds = VOICE.voicemail;
          await signalStatus(input.callId, callSid, 'in-progress', { answeredBy: 'machine_end_beep' });
          return { callSid };
        }
        if (line === 'fax') {
          call.connectedSeconds = VOICE.fax;
          await signalStatus(input.callId, callSid, 'in-progress', { answeredBy: 'fax' });
          return { callSid };
        }
        const ivr = world.opts.instant ? undefined : b.ivr;
        if (ivr?.deadEnd) {
          call.connectedSeconds = VOICE.ivrDeadEnd;
          call.line = 'ivr-dead-end';
          await h.signal(ivrStepSignal, { step: 0, heard: 'For reservations press 1. For the restaurant press 2.' });
          await h.signal(ivrStepSignal, { step: 1, gaveUp: true });
          return { callSid };
        }
        if (ivr) {
          const path = ivrDigitsFor(ivr.depth).split('w');
          for (let i = 0; i < path.length; i++) await h.signal(ivrStepSignal, { step: i, digits: path[i], reachedPerson: i === path.length - 1 });
          call.connectedSeconds += ivr.depth * VOICE.ivrLevel;
        }
        await signalStatus(input.callId, callSid, 'in-progress', { answeredBy: 'human' });
        const shape = world.opts.instant ? 'normal' : drawCallShape(b, rng);
        if (shape === 'stalls') {
          // the staff keeps us waiting: the call workflow wraps up at the overflow limit and calls endCall
          call.line = 'stalls';
          call.connectedSeconds += input.overflowSeconds + VOICE.wrapUp;
          call.agentSeconds = input.overflowSeconds + VOICE.wrapUp;
          return { callSid };
        }
        const guests = shape === 'drops' ? input.guests.slice(0, 1) : input.guests;
        const agreed: FolioDelivery[] = [];
        for (const g of guests) {
          const outcome = world.opts.instant ? ({ kind: 'agreed' } as GuestOutcome) : guestOutcome(drawGuestReply(b, rng), input.hotel.emails[0]);
          await h.signal(agentToolSignal, { toolCallId: `${callSid}:${g.folioId}`, folioId: g.folioId, outcome });
          if (outcome.kind === 'agreed') agreed.push(world.delivery(hotelId, g, world.opts.instant ? 'correct' : drawReplyContent(b, rng)));
        }
        const talk = VOICE.greeting + guests.length * VOICE.perGuest;
        call.connectedSeconds += talk;
        call.agentSeconds = talk;
        if (shape === 'drops') call.line = 'drops';
        await h.signal(recordingReadySignal, { recordingSid: `RE${callSid.slice(2)}`, recordingUrl: 'https://recordings.invalid/sim', durationSeconds: call.connectedSeconds });
        await signalStatus(input.callId, callSid, 'completed', { durationSeconds: call.connectedSeconds });
        if (agreed.length) {
          const hours = world.opts.instant ? 0 : drawAgreedReplyHours(b, rng);
          if (hours !== undefined) world.scheduleReply(input.callId, hours, agreed);
        }
        return { callSid };
      },
      async leaveVoicemail({ callId, callSid }) {
        await signalStatus(callId, callSid, 'completed', { durationSeconds: world.calls.get(callId)?.connectedSeconds });
      },
      async endCall({ callId, callSid }) {
        await world.client.workflow.getHandle(callId).signal(recordingReadySignal, { recordingSid: `RE${callSid.slice(2)}`, recordingUrl: 'https://recordings.invalid/sim', durationSeconds: 1 });
        await signalStatus(callId, callSid, 'completed', { durationSeconds: world.calls.get(callId)?.connectedSeconds });
      },
      storeRecording: async () => undefined,
      storeCallAnalysis: async () => undefined,
      learnIvrPath: async () => undefined,
      finishCall: async () => undefined,
    };
  }

  // ---- the vendor edge: mail -------------------------------------------------------------------
  private mail(): EmailActivities {
    const world = this;
    return {
      async sendEmailRequest(input) {
        const hotelId = input.hotel.hotelId;
        const b = world.behaviourOf(hotelId);
        const rejected = !world.opts.instant && b.emailBounces;
        if (!world.emails.has(input.emailId)) {
          world.emails.set(input.emailId, { emailId: input.emailId, hotelId, kind: input.kind, guests: input.guests.length, rejected });
          if (!rejected) {
            const rng = world.rngFor(input.emailId);
            const hours = world.opts.instant ? 0 : drawEmailReplyHours(b, rng);
            if (hours !== undefined) world.scheduleReply(input.emailId, hours, input.guests.map((g) => world.delivery(hotelId, g, world.opts.instant ? 'correct' : drawReplyContent(b, rng))));
          }
        }
        if (rejected) return { emailId: input.emailId, rejected: '550 5.1.1 mailbox unavailable' };
        return { emailId: input.emailId, messageId: `<${input.emailId}@folio.test>`, to: input.hotel.emails[0] };
      },
    };
  }

  // ---- the hotel's outbox ----------------------------------------------------------------------
  private hotelActivities(): SimHotelActivities {
    const world = this;
    return {
      async deliverFolios({ deliveries }) {
        let delivered = 0;
        for (const d of deliveries) {
          const pdf = await renderFolio(d);
          const ref = await world.documents.save(pdf, { source: 'email', filename: 'folio.pdf', messageId: `<reply-${d.folioWorkflowId}@hotel>` });
          try {
            await world.client.workflow.getHandle(d.folioWorkflowId).signal(documentReceivedSignal, ref);
            delivered++;
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err; // the folio has ended: the reply is unmatched
          }
        }
        return delivered;
      },
    };
  }
}

function guestOutcome(reply: ReturnType<typeof drawGuestReply>, email?: string): GuestOutcome {
  switch (reply) {
    case 'agreed':
      return { kind: 'agreed', email };
    case 'callback':
      return { kind: 'callback', phrase: 'tomorrow after 10' };
    case 'written_request_only':
      return { kind: 'written_request_only', email };
    case 'refused':
      return { kind: 'refused', reason: 'folios go to the guest only' };
    case 'no_such_booking':
      return { kind: 'no_such_booking' };
  }
}

const LAYOUTS: Record<string, FolioLayout> = { de: 'german', fr: 'french', es: 'spanish' };
const OTHER_GUESTS = [
  { firstName: 'Charles', lastName: 'Babbage' },
  { firstName: 'Mary', lastName: 'Somerville' },
];

/** The PDF a hotel sends: the right folio, or another guest's, or one with the wrong stay, or a scan. */
export async function renderFolio(d: FolioDelivery): Promise<Buffer> {
  const [firstName, ...rest] = d.guestName.split(' ');
  const guest = d.content === 'wrong_guest' ? OTHER_GUESTS[d.guestName.length % 2] : { firstName, lastName: rest.join(' ') };
  const departure = d.content === 'partial' ? shiftDate(d.checkOut, 3) : d.checkOut;
  return renderFolioPdf({
    hotelName: d.hotelName,
    guests: [guest],
    arrival: d.checkIn,
    departure,
    folioNumber: `F-${d.confirmationNumber}`,
    confirmationNumber: d.confirmationNumber,
    currency: 'EUR',
    nightlyRate: 140,
    taxRate: 0.1,
    layout: LAYOUTS[d.language] ?? 'classic',
    imageOnly: d.content === 'unreadable',
  });
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Documents kept in memory (the GridFS store has its own tests; here bytes only need to round-trip). */
export class MemoryDocuments implements DocumentStore {
  private readonly docs = new Map<string, { bytes: Buffer; ref: DocumentRef }>();
  async save(bytes: Buffer, meta: { filename?: string; source: DocumentRef['source']; messageId?: string }): Promise<DocumentRef> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ref: DocumentRef = { documentId: sha256.slice(0, 24), sha256, contentType: 'application/pdf', size: bytes.length, ...meta };
    this.docs.set(ref.documentId, { bytes, ref });
    return ref;
  }
  async read(documentId: string) {
    const d = this.docs.get(documentId);
    if (!d) throw new Error(`no document ${documentId}`);
    return d;
  }
}

const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error(m: string) {
    process.stderr.write(`[bundle] ${m}\n`);
  },
};
