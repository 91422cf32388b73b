// The callback relay: what a webhook, the media stream or the inbox accepted is either told to its workflow
// at once or written to the callback inbox (store.callbacks), before it is answered, and this relay tells the
// workflow from there. A webhook's callback goes straight to its workflow and is answered as soon as Temporal
// has it (Temporal keeps an accepted signal as durably as our store would); one that does not get there within
// `directWaitMs` (Temporal slow or down, the workflow's service busy) is written down and answered then, and the
// relay goes on sending it. The inbox monitor's signals are always written down first. From the work list, the
// relay sends with a bounded number in flight, in arrival order. Any number of processes may relay: a callback
// is leased while sent, and one whose relay died is taken over when the lease ends. Each is sent under its own
// key as Temporal's request id, so sending it twice (directly and from the list, or a vendor's retry) applies it
// once. Undeliverable for too long, or refused too often, it becomes a dead letter.
import { createHash, randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { defaultPayloadConverter, type SignalDefinition } from '@temporalio/common';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { Config } from '../../config';
import type { Logger } from '../../config/logger';
import type { Store } from '../mongo/store';
import type { CallbackSource, InboxCallback } from '../mongo/callback-inbox';
import { GONE, NO_RETRY, TemporalUnavailableError, WorkflowNotAnsweringError, type Signaler, type TemporalEdge } from '../../temporal/edge';
import { DAY_MS, MINUTE_MS } from '../../domain/calendar';

/** A refusal that is not an outage (a payload Temporal rejects) is tried this often. */
const MAX_REFUSALS = 5;
const POLL_MS = 1000;
const KEEP_DELIVERED_MS = 7 * DAY_MS;
const PURGE_EVERY_MS = 10 * MINUTE_MS;
/** Keys of callbacks this process delivered directly, remembered so a vendor's quick retry is not sent again. */
const RECENT_KEYS = 10_000;
/** Direct sends at once per relay (beyond: written down first, as when Temporal is slow). */
const DIRECT_PER_IN_FLIGHT = 16;
const SLOW: unique symbol = Symbol('slow');

/** How a callback was taken: told to its workflow directly, written to the callback inbox, or a repeat of one already taken. */
export type Accepted = 'delivered' | 'written' | 'duplicate';

/** A callback as it is taken, before the relay's bookkeeping. */
type NewCallback = Pick<InboxCallback, '_id' | 'source' | 'workflowId' | 'signal' | 'payloads'>;

type RelayConfig = Pick<Config, 'RELAY_MAX_IN_FLIGHT' | 'RELAY_LEASE_SECONDS' | 'RELAY_GIVE_UP_SECONDS' | 'RELAY_DIRECT_WAIT_MS'>;

export interface RelayOptions {
  store: Pick<Store, 'callbacks' | 'deadLetters'>;
  edge: TemporalEdge;
  logger: Logger;
  maxInFlight: number;
  leaseMs: number;
  giveUpMs: number;
  /** How long a webhook's callback may take to reach its workflow directly before it is written down instead (0: always written down first). */
  directWaitMs: number;
}

/** The same callback (workflow, signal, arguments) always has the same key: a repeat is recognised. */
export function callbackKey(workflowId: string, signal: string, args: unknown[]): string {
  return `cb-${createHash('sha256').update(JSON.stringify([workflowId, signal, args])).digest('hex').slice(0, 48)}`;
}

/** The relay's spans (a no-op tracer when tracing is off). */
const tracer = trace.getTracer('folio-callback-relay');

export class CallbackRelay {
  readonly owner = `relay-${randomUUID()}`;
  private readonly edge: TemporalEdge;
  private readonly log: Logger;
  private inFlight = 0;
  private readonly sending = new Set<Promise<void>>();
  private kicked = false;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private purgedAt = 0;
  private direct = 0;
  private readonly recent = new Set<string>();
  /** What this relay took, by how (for benchmarks and tests; the inbox's own states are the `folio_callbacks` metric). */
  readonly taken: Record<Accepted, number> = { delivered: 0, written: 0, duplicate: 0 };

  constructor(private readonly opts: RelayOptions) {
    this.edge = opts.edge.retrying(NO_RETRY); // one attempt per claim: the relay keeps its own schedule
    this.log = opts.logger.child({ component: 'callback-relay' });
  }

  static forConfig(config: RelayConfig, deps: Pick<RelayOptions, 'store' | 'edge' | 'logger'>): CallbackRelay {
    return new CallbackRelay({ ...deps, maxInFlight: config.RELAY_MAX_IN_FLIGHT, leaseMs: config.RELAY_LEASE_SECONDS * 1000, giveUpMs: config.RELAY_GIVE_UP_SECONDS * 1000, directWaitMs: config.RELAY_DIRECT_WAIT_MS });
  }

  /**
   * Takes a webhook's callback: resolves once it has reached its workflow ('delivered') or, when that takes longer
   * than `directWaitMs` or fails, once it is written down ('written'; the relay goes on sending it).
   */
  async accept<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<Accepted> {
    return (await this.take(source, workflowId, def, args)).accepted;
  }

  /**
   * As `accept`, and waits (up to `waitMs`) until the signal has reached the workflow when it was written down
   * while its send was still out: for a callback whose sender acts on our answer (the voice agent ends the call
   * after a tool call's reply), so what it does next cannot overtake it. If the send is slow or fails, the relay goes on.
   */
  async acceptAndTell<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, args: A, waitMs = 10_000): Promise<Accepted> {
    const { accepted, sent } = await this.take(source, workflowId, def, args);
    if (sent) await Promise.race([sent, new Promise((ok) => setTimeout(ok, waitMs).unref())]);
    return accepted;
  }

  /** A Signaler whose signals go through this relay (the inbox monitor's): 'sent' means written down. */
  signaler(source: CallbackSource): Signaler {
    const relay = this;
    return {
      async send<A extends unknown[]>(workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<'sent'> {
        await relay.writeDown(await relay.entry(source, workflowId, def, args));
        return 'sent';
      },
    };
  }

  private async entry<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, args: A): Promise<NewCallback> {
    return { _id: callbackKey(workflowId, def.name, args), source, workflowId, signal: def.name, payloads: await this.edge.encode(args) };
  }

  /** Written down first (unleased), and the relay woken to send it from the list. */
  private async writeDown(entry: NewCallback, now = new Date()): Promise<Accepted> {
    const w = await this.opts.store.callbacks.accept(entry, now);
    this.kick();
    return this.count(w === 'accepted' ? 'written' : 'duplicate');
  }

  private count(how: Accepted): Accepted {
    this.taken[how]++;
    return how;
  }

  private async take<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, args: A): Promise<{ accepted: Accepted; sent?: Promise<unknown> }> {
    const entry = await this.entry(source, workflowId, def, args);
    if (this.recent.has(entry._id)) return { accepted: this.count('duplicate') };
    const now = new Date();
    if (!this.running || this.opts.directWaitMs <= 0 || this.direct >= this.opts.maxInFlight * DIRECT_PER_IN_FLIGHT) return { accepted: await this.writeDown(entry, now) };
    // Sent at once, leased to this relay should it have to be written down: if this process dies after that, the
    // lease runs out and any relay sends it; recorded in the inbox only if it was written there and was new.
    const lease = { owner: this.owner, until: new Date(now.getTime() + this.opts.leaseMs) };
    let writeIf!: (w: Promise<'accepted' | 'duplicate' | 'unwritten'>) => void;
    const written = new Promise<'accepted' | 'duplicate' | 'unwritten'>((resolve) => (writeIf = (w) => void w.then(resolve, () => resolve('unwritten'))));
    this.direct++;
    const sent = this.dispatch({ ...entry, state: 'pending', attempts: 0, receivedAt: now, order: 0, nextAttemptAt: now, lease }, written);
    void sent.finally(() => this.direct--);
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([sent, new Promise<typeof SLOW>((ok) => (timer = setTimeout(() => ok(SLOW), this.opts.directWaitMs)))]).finally(() => clearTimeout(timer));
    if (first === 'sent' || first === GONE) {
      writeIf(Promise.resolve('unwritten'));
      this.remember(entry._id);
      return { accepted: this.count('delivered') };
    }
    // Slow or refused: written down before it is answered (a refusal is then retried on the relay's schedule).
    const w = this.opts.store.callbacks.accept(entry, now, lease);
    writeIf(w);
    const accepted = this.count((await w) === 'accepted' ? 'written' : 'duplicate');
    return { accepted, ...(first === SLOW && { sent }) };
  }

  private remember(key: string): void {
    this.recent.add(key);
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.values().next().value as string);
  }

  start(): this {
    if (!this.loop) {
      this.running = true;
      this.loop = this.run();
    }
    return this;
  }

  /** Stops claiming, and waits for what is being sent. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.sending]);
    this.loop = undefined;
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      const free = this.opts.maxInFlight - this.inFlight;
      let claimed: InboxCallback[] = [];
      if (free > 0) {
        try {
          claimed = await this.opts.store.callbacks.claim(this.owner, free, this.opts.leaseMs);
          await this.purge();
        } catch (e) {
          this.log.warn({ err: String(e) }, 'could not read the callback inbox; trying again');
        }
      }
      for (const c of claimed) void this.dispatch(c); // recorded by dispatch itself
      // a kick while claiming (a callback accepted meanwhile) means: look again at once
      if (!this.kicked && (!claimed.length || this.inFlight >= this.opts.maxInFlight)) await this.pause(POLL_MS);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      t.unref();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Sends a leased callback and records the outcome (for one just taken: once it is written, and only if it was written and new). */
  private dispatch(c: InboxCallback, written: Promise<'accepted' | 'duplicate' | 'unwritten'> = Promise.resolve('accepted')): Promise<'sent' | typeof GONE | { error: unknown }> {
    this.inFlight++;
    const sent = this.send(c);
    const p: Promise<void> = Promise.all([sent, written.catch(() => 'unwritten' as const)])
      .then(([r, w]) => (w === 'accepted' ? this.record(c, r) : undefined))
      .finally(() => {
        this.inFlight--;
        this.sending.delete(p);
        this.kick();
      });
    this.sending.add(p);
    return sent;
  }

  /**
   * Sends one callback as the signal it carries, in a span of its own: sent as it is accepted, that span
   * continues the webhook's trace, and its context goes with the signal (the header the worker's tracing reads).
   */
  private async send(c: InboxCallback): Promise<'sent' | typeof GONE | { error: unknown }> {
    return tracer.startActiveSpan(`SignalWorkflow:${c.signal}`, { kind: SpanKind.CLIENT, attributes: { workflowId: c.workflowId } }, async (span) => {
      try {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        return await this.edge.sendEncoded(c.workflowId, c.signal, c.payloads, c._id, { [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) });
      } catch (error) {
        return { error };
      } finally {
        span.end();
      }
    });
  }

  private async record(c: InboxCallback, r: 'sent' | typeof GONE | { error: unknown }): Promise<void> {
    const callbacks = this.opts.store.callbacks;
    if (typeof r !== 'object') {
      await callbacks.delivered(c._id, this.owner, r === GONE ? 'gone' : 'sent').catch((e: unknown) => this.log.warn({ err: String(e) }, 'could not record a delivery (it is sent again, and applied once)'));
      if (r === GONE) this.log.info({ workflowId: c.workflowId, signal: c.signal }, 'callback for an unknown or finished workflow ignored');
      return;
    }
    const reason = r.error instanceof Error ? r.error.message : String(r.error);
    const outage = r.error instanceof TemporalUnavailableError || r.error instanceof WorkflowNotAnsweringError;
    const attempts = c.attempts + 1;
    const expired = Date.now() - new Date(c.receivedAt).getTime() >= this.opts.giveUpMs;
    try {
      if (expired || (!outage && attempts >= MAX_REFUSALS)) {
        await callbacks.dead(c._id, this.owner, reason);
        await this.opts.store.deadLetters.add({ kind: 'callback', key: c._id, subject: `${c.signal} for ${c.workflowId} (from ${c.source})`, reason, attempts });
        this.log.error({ workflowId: c.workflowId, signal: c.signal, attempts, err: reason }, 'callback could not be delivered: kept as a dead letter');
      } else {
        await callbacks.retryLater(c._id, this.owner, reason, new Date(Date.now() + Math.min(500 * 2 ** (attempts - 1), 30_000)));
      }
    } catch (store) {
      // the lease runs out and another attempt (here or elsewhere) picks it up
      this.log.warn({ err: String(store) }, 'could not record a failed delivery');
    }
  }

  private async purge(): Promise<void> {
    if (Date.now() - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = Date.now();
    await this.opts.store.callbacks.purgeDelivered(new Date(Date.now() - KEEP_DELIVERED_MS));
  }
}

const relays = new WeakMap<object, CallbackRelay>();

/** The relay of an API instance (one per store and edge; created and started on first use). */
export function relayOf(deps: { config: RelayConfig; store: RelayOptions['store']; temporal: TemporalEdge; logger: Logger; relay?: CallbackRelay }): CallbackRelay {
  if (deps.relay) return deps.relay;
  let relay = relays.get(deps.store);
  if (!relay) {
    relay = CallbackRelay.forConfig(deps.config, { store: deps.store, edge: deps.temporal, logger: deps.logger }).start();
    relays.set(deps.store, relay);
  }
  return relay;
}
