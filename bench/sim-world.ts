// A whole population of simulated hotels around the real lifecycle: the real workflows and the real
// lifecycle, extraction and projection activities (FerretDB), with the population's hotels at the vendor
// edge — what Twilio's callbacks and the voice agent would report, sent as the webhooks would — and, with
// `mail: 'inbox'`, the real email activity, SMTP, Dovecot and inbox monitor between us and the hotels
// (bench/sim-mail.ts). Each guest's truth (has the hotel the booking, what it says about it) is decided
// once and holds across calls and emails. Hotel replies wait on durable timers on the same server. The
// clients answer too: asked for a guest's signed form, a client uploads it through our real API
// (`POST /v1/folios/{id}/authorization`, on a loopback port) when the population says, or never.
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { loadConfig, type Config } from '../config';
import { logger } from '../config/logger';
import { createApp } from '../api/app';
import { ApiKeys } from '../api/auth';
import { HOUR_MS } from '../domain/calendar';
import { Store } from '../adapters/mongo/store';
import { createLifecycleActivities } from '../activities/lifecycle';
import { ProjectionWriter, projectionSinks, writeProjection } from '../activities/projection-writer';
import { createExtractionActivities } from '../activities/extraction';
import { fromUser, replyToken } from '../activities/email';
import { noteCallOnHotel } from '../activities/telephony';
import { LocalPdfExtractor } from '../adapters/extraction/local-pdf';
import type { DocumentStore } from '../domain/ports';
import { folioWorkflowId, type BatchGuest, type DocumentRef, type FolioRequest, type GuestOutcome } from '../domain/model';
import type { AllActivities, ClientNotification, EmailActivities, TelephonyActivities } from '../workflows/activity-types';
import { folioWorkflowType, agentToolSignal, documentReceivedSignal, ivrStepSignal, postCallSignal, recordingReadySignal, twilioStatusSignal, type CallInput, type FolioResult, type FolioStartOptions, type WorkflowType } from '../workflows/definitions';
import {
  answersMail,
  clientFormHours,
  drawAgreedReplyHours,
  drawCallShape,
  drawEmailReplyHours,
  drawLine,
  drawReplyContent,
  guestTruth,
  ivrDigitsFor,
  keyedRng,
  phoneAnswer,
  RATES,
  writtenAnswer,
  type GuestContact,
  type GuestTruth,
  type HotelBehaviour,
  type PhoneAnswer,
  type Rng,
  type SandboxHotel,
} from '../sandbox/population';
import type { FolioDelivery, HotelReplyInput, MessageGuest, SimHotelActivities } from './sim-workflows';
import { renderFolio } from './sim-folio';
import { SimMail, type Booking } from './sim-mail';
import { edgeFor, GONE, TemporalEdge } from '../temporal/edge';
import { hotelReplyWorkflowType } from './workflow-types';
/** Signals from the simulated vendors are retried for a while: a busy test server must not lose a call's course. */
const SIGNAL_RETRY = { maxMs: 60_000, firstDelayMs: 250 };

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

/**
 * With instantly answering hotels, a folio promised on the phone arrives this long (hours) after the call: a few
 * seconds, so the call has finished (its recording, the agent's analysis and its report stored) before the folio
 * completes, as when a hotel emails after hanging up.
 */
const INSTANT_PROMISED_HOURS = 5 / 3600;

/** Modelled durations (seconds) of the parts of a call; ringing is not billed. */
export const VOICE = { ivrLevel: 12, ivrDeadEnd: 60, greeting: 20, perGuest: 35, voicemailToBeep: 18, voicemailMessage: 12, fax: 5, wrapUp: 15, hangUpOnBot: 8 } as const;

export interface SimWorldOptions {
  env: TestWorkflowEnvironment;
  db: Db;
  hotels: SandboxHotel[];
  seed: number;
  /** Every hotel answers at once and agrees, and the folio arrives with no delay (throughput runs). */
  instant?: boolean;
  /**
   * 'inbox': requests go out by our real email activity over SMTP and answers come back as real messages through
   * Dovecot and our inbox monitor. 'direct' (default): the email activity is simulated and folios are handed to
   * the folio workflow (throughput runs, where the mail path is not what is measured).
   */
  mail?: 'inbox' | 'direct';
  config?: Partial<Record<string, string>>;
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** The worker's sticky cache of workflow runs (the SDK's default is sized from the machine's memory). */
  maxCachedWorkflows?: number;
  /**
   * Clients asked for a guest's signed authorisation form upload it through the API as the population says
   * (`clientFormHours`; default). false: no client ever answers (the world before clients were simulated).
   */
  clientForms?: boolean;
}

export class SimWorld {
  readonly calls = new Map<string, SimCall>();
  readonly emails = new Map<string, { emailId: string; hotelId: string; kind: string; guests: number; rejected: boolean }>();
  readonly documents: DocumentStore;
  /** Run ids of every execution started by signal-with-start (hotel dispatchers, the call-slot semaphore). */
  readonly signalWithStartRuns = new Set<string>();
  readonly hotels = new Map<string, SandboxHotel>();
  /** Each requested guest's truth, by folio id (decided once from the seed and the folio id). */
  readonly truths = new Map<string, GuestTruth>();
  /** What the simulation did, by kind (mishearings, hang-ups, transfers, the hotels' messages…). */
  readonly tallies: Record<string, Record<string, number>> = {};
  readonly replyQueue: string;
  readonly edge: TemporalEdge;
  private readonly bookings = new Map<string, Map<string, Booking>>();
  private readonly contacts = new Map<string, GuestContact>();
  /** Each folio's client (the API key the simulated client uploads with is its own). */
  private readonly clientOf = new Map<string, string>();
  /** Our real API on a loopback port, started when a client first needs it; the clients' keys. */
  private api?: Promise<{ server: Server; url: string; keys: ApiKeys; keyOf: Map<string, Promise<string>> }>;
  private readonly workers: Worker[] = [];
  private running: Promise<unknown>[] = [];
  /** How often placeCall ran per call id (a retry after a crash must not dial the hotel twice). */
  readonly dialled = new Map<string, number>();
  private makeWorkers?: () => Promise<Worker[]>;
  /** The worker's projection writer (passing states arrive through its sink); its histogram is the projection lag. */
  readonly projections: ProjectionWriter;
  readonly lagSeconds: number[] = [];

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly store: Store,
    readonly config: Config,
    readonly opts: SimWorldOptions,
    readonly mailSystem?: SimMail,
  ) {
    for (const h of opts.hotels) this.hotels.set(h.config.hotelId, h);
    this.replyQueue = `${config.TEMPORAL_TASK_QUEUE}-hotels`;
    this.projections = new ProjectionWriter(store, { lag: { observe: (s: number) => void this.lagSeconds.push(s) } });
    this.edge = edgeFor(env.client, config).retrying(SIGNAL_RETRY);
    this.documents = mailSystem ? store.documents : new MemoryDocuments();
  }

  static async create(opts: SimWorldOptions): Promise<SimWorld> {
    const store = new Store(opts.db);
    await store.ensureIndexes();
    let world: SimWorld | undefined;
    // the hotels' side needs the world, which needs the mail system's ports: the side reaches it once it exists
    const side = {
      hotels: new Map(opts.hotels.map((h) => [h.config.hotelId, h])),
      booking: (hotelId: string, ref: string) => world!.bookings.get(hotelId)?.get(ref),
      rngFor: (key: string) => world!.rngFor(key),
      now: () => opts.env.currentTimeMs(),
      scheduleReply: (id: string, input: HotelReplyInput) => world!.scheduleReply(id, input),
      tally: (what: string, key: string) => world!.tally(what, key),
      contact: (folioId: string) => world!.contactOf(folioId),
      formReached: (folioId: string) => world!.formReached(folioId),
    };
    const mail = opts.mail === 'inbox' ? await SimMail.start(side) : undefined;
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: `sim-${randomUUID().slice(0, 8)}`, ...mail?.configEnv(), ...opts.config });
    world = new SimWorld(opts.env, store, config, opts, mail);
    for (const h of opts.hotels) await store.hotels.upsert(h.config);
    const activities: AllActivities = {
      ...createLifecycleActivities({ config, store, temporal: new TrackingEdge(opts.env.client, config.TEMPORAL_TASK_QUEUE, world.signalWithStartRuns), projections: world.projections }),
      ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents: world.documents }),
      ...world.telephony(),
      ...(mail ? mail.emailActivities({ config, store, record: (input, rejected) => world!.recordEmail(input, rejected) }) : world.mail()),
      deliverResult: async ({ projection }) => {
        if (projection) await writeProjection(store, projection);
        return { delivered: false };
      },
      notifyClient: async (n) => world!.clientNotified(n),
    };
    mail?.startInbox({ config, store, documents: world.documents, signaler: world.edge });
    const bundle = opts.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }));
    const hotelBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./sim-workflows'), logger: quiet });
    const w = world;
    world.makeWorkers = async () => [
      await Worker.create({
        connection: opts.env.nativeConnection,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowBundle: bundle,
        activities,
        sinks: projectionSinks(world.projections),
        maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? 50,
        maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTasks ?? 40,
        ...(opts.maxCachedWorkflows !== undefined && { maxCachedWorkflows: opts.maxCachedWorkflows }),
      }),
      await Worker.create({
        connection: opts.env.nativeConnection,
        taskQueue: w.replyQueue,
        workflowBundle: hotelBundle,
        activities: w.hotelActivities(),
        maxConcurrentActivityTaskExecutions: 32,
      }),
    ];
    world.workers.push(...(await world.makeWorkers()));
    world.running = world.workers.map((wk) => wk.run());
    return world;
  }

  /** Stops the workers at once (no grace: in-flight activities are cancelled, cached workflows dropped) and starts new ones. */
  async restartWorkers(): Promise<void> {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(this.running);
    this.workers.splice(0, this.workers.length, ...(await this.makeWorkers!()));
    this.running = this.workers.map((w) => w.run());
  }

  /** Stops the inbox and the workers; bounded, so a stuck activity cannot keep the run (and its servers) alive. */
  async stop(graceMs = 60_000): Promise<void> {
    const bounded = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await bounded(this.mailSystem?.stop() ?? Promise.resolve());
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await bounded(Promise.allSettled(this.running));
    await bounded(this.projections.close());
    const api = await this.api?.catch(() => undefined);
    if (api) await bounded(new Promise((r) => api.server.close(r)));
  }

  /** Starts a folio's lifecycle; the hotel learns the booking first (unless it has none). */
  async start(req: FolioRequest, options?: FolioStartOptions): Promise<{ workflowId: string; result: () => Promise<FolioResult> }> {
    const workflowId = folioWorkflowId(req.clientId, req.clientReference);
    const h = this.hotels.get(req.hotelId);
    if (h) {
      const truth = guestTruth(h.behaviour, this.opts.seed, req.folioId);
      this.truths.set(req.folioId, truth);
      this.clientOf.set(req.folioId, req.clientId);
      if (truth.hasBooking) {
        const at = this.bookings.get(req.hotelId) ?? new Map<string, Booking>();
        const guestName = [req.guest.firstName, req.guest.lastName].join(' ');
        at.set(req.confirmationNumber, { folioId: req.folioId, workflowId, guestName, confirmationNumber: req.confirmationNumber, checkIn: req.checkIn, checkOut: req.checkOut, truth });
        this.bookings.set(req.hotelId, at);
      }
    }
    await this.edge.start(folioWorkflowType, workflowId, options ? [req, options] : [req]);
    return { workflowId, result: () => this.edge.result(folioWorkflowType, workflowId) };
  }

  /** What the hotel knows of a guest beyond its truth (a callback asked for, the signed form received). */
  contactOf(folioId: string): GuestContact {
    return this.contacts.get(folioId) ?? { callbackAsked: false };
  }

  /** The guest's signed form reached the hotel (attached to our email): from now on it sends the folio. */
  formReached(folioId: string): void {
    const contact = this.contactOf(folioId);
    if (!contact.formReceived) this.tally('client forms', 'reached the hotel');
    this.contacts.set(folioId, { ...contact, formReceived: true });
  }

  /**
   * The client's end of our notifications. Asked for a guest's signed form, the client uploads it after the
   * hours the population draws for this guest (a durable timer on the server), or never; anything else it only reads.
   */
  async clientNotified(n: ClientNotification): Promise<{ delivered: boolean; status?: number }> {
    if (n.kind !== 'folio.authorization_required' || this.opts.clientForms === false) return { delivered: false };
    const hours = clientFormHours(this.opts.seed, n.folioId);
    if (hours === undefined) this.tally('client forms', 'asked, never uploaded');
    else if ((await this.scheduleReply(`form:${n.folioId}`, { delayMs: Math.round(hours * HOUR_MS), upload: { folioId: n.folioId, path: n.action?.path ?? `/v1/folios/${n.folioId}/authorization` } })) === 'started') {
      this.tally('client forms', hours <= 24 ? 'asked, uploads within a day' : 'asked, uploads after days');
    }
    return { delivered: true, status: 204 };
  }

  /** Our API as a client reaches it, with an API key of the client's own (created once per client). */
  private clientApi(clientId: string): Promise<{ url: string; key: string }> {
    this.api ??= (async () => {
      const app = createApp({ config: this.config, store: this.store, temporal: this.edge, logger: logger.child({}, { level: 'silent' }), documents: this.documents, rateLimitPerMinute: 100_000 });
      const server = await new Promise<Server>((resolve, reject) => {
        const srv = app.listen(0, '127.0.0.1', () => resolve(srv)).once('error', reject);
      });
      return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys: new ApiKeys(this.store.apiKeys), keyOf: new Map() };
    })();
    return this.api.then((api) => {
      if (!api.keyOf.has(clientId)) api.keyOf.set(clientId, api.keys.create({ clientId, role: 'client', name: `simulated client ${clientId}` }).then((k) => k.key));
      return api.keyOf.get(clientId)!.then((key) => ({ url: api.url, key }));
    });
  }

  /** The client uploads the guest's signed form (a small PDF) to the path our notification named; the HTTP status. */
  private async uploadForm(folioId: string, path: string): Promise<number> {
    const clientId = this.clientOf.get(folioId);
    if (!clientId) throw new Error(`folio ${folioId} was not started through the simulated world`);
    const { url, key } = await this.clientApi(clientId);
    const form = Buffer.from(`%PDF-1.4\n% guest authorisation form signed for ${folioId}\n%%EOF\n`);
    const r = await fetch(`${url}${path}?filename=signed-form.pdf`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/pdf' }, body: form });
    const body = await r.text();
    // our side failing is retried (the activity's retry policy); a refusal is the answer (the folio moved on)
    if (r.status >= 500) throw new Error(`the upload of ${folioId}'s form failed: ${r.status} ${body.slice(0, 200)}`);
    this.tally('client forms', r.ok ? 'uploaded through the API' : `upload refused (${r.status} ${(/"code":"([^"]+)"/.exec(body) ?? [])[1] ?? ''})`);
    return r.status;
  }

  tally(what: string, key: string): void {
    const t = (this.tallies[what] ??= {});
    t[key] = (t[key] ?? 0) + 1;
  }

  private recordEmail(input: Parameters<EmailActivities['sendEmailRequest']>[0], rejected: boolean) {
    if (!this.emails.has(input.emailId)) this.emails.set(input.emailId, { emailId: input.emailId, hotelId: input.hotel.hotelId, kind: input.kind, guests: input.guests.length, rejected });
  }

  private behaviourOf(hotelId: string): HotelBehaviour {
    const h = this.hotels.get(hotelId);
    if (!h) throw new Error(`hotel ${hotelId} is not in the simulated population`);
    return h.behaviour;
  }

  /** Each call and each email draws from its own stream, so results do not depend on scheduling order. */
  rngFor(key: string): Rng {
    return keyedRng(this.opts.seed, key);
  }

  /** A hotel's message waits on a timer on the Temporal server (not a wall clock); started once per id. */
  async scheduleReply(replyId: string, input: HotelReplyInput): Promise<'started' | 'already-started'> {
    return this.edge.start(hotelReplyWorkflowType, `reply:${replyId}`, [input], { taskQueue: this.replyQueue });
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

  private truthOf(g: BatchGuest): GuestTruth {
    const t = this.truths.get(g.folioId);
    if (!t) throw new Error(`folio ${g.folioId} was not started through the simulated world`);
    return t;
  }

  /** What the person says about one guest on this call; the guest's truth holds, a mishearing is this call's. */
  private answerOnPhone(b: HotelBehaviour, g: BatchGuest, rng: Rng): PhoneAnswer {
    if (this.opts.instant) return { kind: 'agreed' };
    const contact = this.contacts.get(g.folioId) ?? { callbackAsked: false };
    const answer = phoneAnswer(b, this.truthOf(g), contact, rng);
    if (answer.kind === 'callback') this.contacts.set(g.folioId, { ...contact, callbackAsked: true });
    if (answer.kind === 'no_such_booking' && answer.misheard) this.tally('calls', `misheard a ${answer.misheard}`);
    if ((answer.kind === 'agreed' || answer.kind === 'written_request_only' || answer.kind === 'authorization_required') && answer.address) this.tally('addresses given on the phone', answer.address.startsWith('acounting@') ? 'misheard by the agent' : 'as given');
    return answer;
  }

  // ---- the vendor edge: telephony ------------------------------------------------------------
  private telephony(): TelephonyActivities {
    const world = this;
    let seq = 0;
    const tell = async <A extends unknown[]>(callId: string, def: SignalDefinition<A>, ...args: A) => {
      const r = await world.edge.send(callId, def, ...args);
      if (r === GONE) throw new Error(`call ${callId} is gone`);
    };
    const signalStatus = (callId: string, callSid: string, s: string, extra: { answeredBy?: string; durationSeconds?: number } = {}) =>
      tell(callId, twilioStatusSignal, { callSid, status: s, sequence: ++seq, ...extra });
    const sidOf = (callId: string) => `CA${createHash('sha256').update(callId).digest('hex').slice(0, 32)}`;
    const recording = (callId: string, callSid: string, durationSeconds: number) =>
      tell(callId, recordingReadySignal, { recordingSid: `RE${callSid.slice(2)}`, recordingUrl: 'https://recordings.invalid/sim', durationSeconds });

    return {
      async placeCall(input: CallInput) {
        const callSid = sidOf(input.callId);
        world.dialled.set(input.callId, (world.dialled.get(input.callId) ?? 0) + 1);
        if (world.calls.has(input.callId)) return { callSid }; // an activity retry: the call exists
        const hotelId = input.hotel.hotelId;
        const b = world.behaviourOf(hotelId);
        const rng = world.rngFor(input.callId);
        // our side of placing a call that matters to the mail: the call's reply thread, as the real activity registers it
        const token = replyToken(input.callId, world.config.MAIL_TOKEN_SECRET);
        const replyTo = `${fromUser(world.config.MAIL_FROM)}+${token}@${world.config.MAIL_REPLY_DOMAIN}`;
        if (world.mailSystem) {
          await world.store.emails.registerCallThread({
            callId: input.callId,
            hotelId,
            token,
            hotelEmails: input.hotel.emails,
            guests: input.guests.map(({ folioId, workflowId, confirmationNumber, guestName }) => ({ folioId, workflowId, confirmationNumber, guestName })),
            domain: world.config.MAIL_REPLY_DOMAIN,
          });
        }
        const line = world.opts.instant ? 'answered' : drawLine(b, rng);
        const call: SimCall = { callId: input.callId, hotelId, guests: input.guests.length, folioIds: input.guests.map((g) => g.folioId), line, connectedSeconds: 0, agentSeconds: 0 };
        world.calls.set(input.callId, call);
        // Twilio reports what the adapter asks for (statusCallbackEvent answered and completed): the answer, then the end
        if (line === 'no-answer' || line === 'busy') {
          await signalStatus(input.callId, callSid, line);
          return { callSid };
        }
        await signalStatus(input.callId, callSid, 'in-progress');
        if (line === 'voicemail') {
          // the machine's greeting until the beep is billed either way; our message only when the hotel's policy leaves one
          call.connectedSeconds = VOICE.voicemailToBeep + (input.hotel.voicemail === 'hang-up' ? 0 : VOICE.voicemailMessage);
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
          await tell(input.callId, ivrStepSignal, { step: 0, heard: 'For reservations press 1. For the restaurant press 2.' });
          await tell(input.callId, ivrStepSignal, { step: 1, gaveUp: true });
          return { callSid };
        }
        if (ivr) {
          const path = ivrDigitsFor(ivr.depth).split('w');
          for (let i = 0; i < path.length; i++) await tell(input.callId, ivrStepSignal, { step: i, digits: path[i], reachedPerson: i === path.length - 1 });
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
        if (shape === 'hangs-up-on-bot' || shape === 'transfer-voicemail') {
          // the person hangs up on hearing a bot, or the transfer ends at accounting's voicemail: nobody said anything about a guest
          const talk = shape === 'hangs-up-on-bot' ? VOICE.hangUpOnBot : VOICE.greeting + RATES.accountingHoldSeconds + VOICE.voicemailToBeep + VOICE.voicemailMessage;
          call.line = shape;
          call.connectedSeconds += talk;
          call.agentSeconds = talk;
          world.tally('calls', shape);
          await recording(input.callId, callSid, call.connectedSeconds);
          await signalStatus(input.callId, callSid, 'completed', { durationSeconds: call.connectedSeconds });
          return { callSid };
        }
        if (shape === 'transfer') {
          call.line = 'transferred';
          call.connectedSeconds += RATES.accountingHoldSeconds;
          call.agentSeconds += RATES.accountingHoldSeconds;
          world.tally('calls', 'transferred to accounting');
        }
        const heard = shape === 'drops' ? input.guests.slice(0, 1) : input.guests;
        // the desk gets through as many guests as fit before the call's overflow limit; the call workflow
        // wraps up then, and the guests nobody had time for go by email
        const fit = Math.max(0, Math.floor((input.overflowSeconds - call.connectedSeconds - VOICE.greeting) / VOICE.perGuest));
        const guests = heard.slice(0, fit);
        const overflows = guests.length < heard.length;
        const agreed: BatchGuest[] = [];
        for (const g of guests) {
          const answer = world.answerOnPhone(b, g, rng);
          await tell(input.callId, agentToolSignal, { toolCallId: `${callSid}:${g.folioId}`, folioId: g.folioId, outcome: guestOutcome(answer) });
          if (answer.kind === 'agreed') agreed.push(g);
        }
        if (overflows) {
          call.line = 'overflow';
          call.connectedSeconds = input.overflowSeconds + VOICE.wrapUp;
          call.agentSeconds = input.overflowSeconds + VOICE.wrapUp;
          world.tally('calls', 'overflowed with guests left');
        } else {
          const talk = VOICE.greeting + guests.length * VOICE.perGuest;
          call.connectedSeconds += talk;
          call.agentSeconds += talk;
          if (shape === 'drops') call.line = 'drops';
          await recording(input.callId, callSid, call.connectedSeconds);
          await signalStatus(input.callId, callSid, 'completed', { durationSeconds: call.connectedSeconds });
          // the voice agent's post-call analysis, as its webhook sends it once the conversation is over
          await tell(input.callId, postCallSignal, { conversationId: `conv-${callSid.slice(2, 18)}`, summary: `${guests.length} guest(s) asked about; ${agreed.length} agreed to send the folio`, callSuccessful: agreed.length ? 'success' : 'failure' });
        }
        if (agreed.length) {
          const hours = world.opts.instant ? INSTANT_PROMISED_HOURS : drawAgreedReplyHours(b, rng);
          world.tally('folios promised on the phone', hours === undefined ? 'never sent' : 'sent');
          if (hours !== undefined) await world.sendPromised(input.callId, hotelId, replyTo, agreed, hours, rng);
        }
        return { callSid };
      },
      async leaveVoicemail({ callId, callSid }) {
        await signalStatus(callId, callSid, 'completed', { durationSeconds: world.calls.get(callId)?.connectedSeconds });
      },
      async endCall({ callId, callSid }) {
        await recording(callId, callSid, 1);
        await signalStatus(callId, callSid, 'completed', { durationSeconds: world.calls.get(callId)?.connectedSeconds });
      },
      storeRecording: async () => undefined,
      storeCallAnalysis: async () => undefined,
      learnIvrPath: async () => undefined,
      // the hotel's side of the real finishCall: answer rate by local hour, an agreement to send folios
      finishCall: ({ hotelId, result, startedAtHour, endedAt }) => noteCallOnHotel(world.store, hotelId, result, startedAtHour, endedAt),
    };
  }

  /** The folios promised on a call: a message through the mail path, or (direct) a document handed over. */
  private async sendPromised(callId: string, hotelId: string, replyTo: string, agreed: BatchGuest[], hours: number, rng: Rng) {
    const h = this.hotels.get(hotelId)!;
    const b = h.behaviour;
    if (this.mailSystem) {
      const guests: MessageGuest[] = agreed.map((g) => ({ folioWorkflowId: g.workflowId, guestName: g.guestName, confirmationNumber: g.confirmationNumber, checkIn: g.checkIn, checkOut: g.checkOut, content: drawReplyContent(b, rng) }));
      await this.mailSystem.promised(h, callId, replyTo, guests, hours, rng);
      return;
    }
    const deliveries = agreed.map((g) => this.delivery(hotelId, g, this.opts.instant ? 'correct' : drawReplyContent(b, rng)));
    await this.scheduleReply(callId, { delayMs: Math.max(0, Math.round(hours * 3_600_000)), deliveries });
  }

  // ---- the vendor edge: mail, when the mail path is left out ('direct') ---------------------------
  private mail(): EmailActivities {
    const world = this;
    return {
      async sendEmailRequest(input) {
        const hotelId = input.hotel.hotelId;
        const b = world.behaviourOf(hotelId);
        const rejected = !world.opts.instant && b.emailBounces;
        if (!world.emails.has(input.emailId)) {
          world.recordEmail(input, rejected);
          if (!rejected) {
            const rng = world.rngFor(input.emailId);
            const hours = world.opts.instant ? 0 : drawEmailReplyHours(b, rng);
            // a signed form attached for a guest reaches a hotel that reads its mail
            for (const g of input.guests) if (g.ask?.kind === 'authorization' && answersMail(b)) world.formReached(g.folioId);
            // only guests the hotel has, and will send, get a folio
            const sent = input.guests.filter((g) => world.opts.instant || world.truthOf(g).obtainable || writtenAnswer(world.truthOf(g), world.contactOf(g.folioId)) === 'folio');
            if (hours !== undefined && sent.length) {
              const deliveries = sent.map((g) => world.delivery(hotelId, g, world.opts.instant ? 'correct' : drawReplyContent(b, rng)));
              await world.scheduleReply(input.emailId, { delayMs: Math.max(0, Math.round(hours * 3_600_000)), deliveries });
            }
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
          // a folio that has ended leaves the reply unmatched
          if ((await world.edge.send(d.folioWorkflowId, documentReceivedSignal, ref)) !== GONE) delivered++;
        }
        return delivered;
      },
      clientUploadsForm: ({ folioId, path }) => world.uploadForm(folioId, path),
      async sendHotelMessage(message) {
        if (!world.mailSystem) throw new Error('sendHotelMessage needs the mail path (mail: inbox)');
        return world.mailSystem.send(message);
      },
    };
  }
}

function guestOutcome(answer: PhoneAnswer): GuestOutcome {
  switch (answer.kind) {
    case 'agreed':
      return { kind: 'agreed', email: answer.address };
    case 'callback':
      return { kind: 'callback', phrase: 'tomorrow after 10' };
    case 'written_request_only':
      return { kind: 'written_request_only', email: answer.address };
    case 'refused':
      return { kind: 'refused', reason: answer.reason };
    case 'authorization_required':
      return { kind: 'authorization_required', form: answer.form, email: answer.address };
    case 'no_such_booking':
      return { kind: 'no_such_booking' };
  }
}

/** The lifecycle activities' edge, recording the run each signal-with-start reached (for counting actions from histories). */
class TrackingEdge extends TemporalEdge {
  constructor(
    client: Client,
    taskQueue: string,
    private readonly runs: Set<string>,
  ) {
    super(client, { taskQueue });
  }

  override async sendOrStart<A extends unknown[], S extends unknown[]>(type: WorkflowType<A>, workflowId: string, args: A, signal: SignalDefinition<S>, ...signalArgs: S): Promise<string> {
    const runId = await super.sendOrStart(type, workflowId, args, signal, ...signalArgs);
    this.runs.add(`${workflowId}\n${runId}`);
    return runId;
  }
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
