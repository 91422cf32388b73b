// The callback relay: what a webhook, the media stream or the inbox accepted is written to the callback inbox
// (store.callbacks) before it is answered, and this relay tells the workflow, with a bounded number in
// flight: at once as it arrives (leased to this relay as it is written; the send does not wait for the write,
// the answer to the vendor does), else from the work list in arrival order. Any number of processes may
// relay: a callback is leased while sent, and one whose relay died is taken over when the lease ends. Each
// is sent under its own key as Temporal's request id, so sending it twice applies it once. Undeliverable for
// too long, or refused too often, it becomes a dead letter.
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

export interface RelayOptions {
  store: Pick<Store, 'callbacks' | 'deadLetters'>;
  edge: TemporalEdge;
  logger: Logger;
  maxInFlight: number;
  leaseMs: number;
  giveUpMs: number;
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

  constructor(private readonly opts: RelayOptions) {
    this.edge = opts.edge.retrying(NO_RETRY); // one attempt per claim: the relay keeps its own schedule
    this.log = opts.logger.child({ component: 'callback-relay' });
  }

  static forConfig(config: Pick<Config, 'RELAY_MAX_IN_FLIGHT' | 'RELAY_LEASE_SECONDS' | 'RELAY_GIVE_UP_SECONDS'>, deps: Pick<RelayOptions, 'store' | 'edge' | 'logger'>): CallbackRelay {
    return new CallbackRelay({ ...deps, maxInFlight: config.RELAY_MAX_IN_FLIGHT, leaseMs: config.RELAY_LEASE_SECONDS * 1000, giveUpMs: config.RELAY_GIVE_UP_SECONDS * 1000 });
  }

  /** Writes a callback down (encoded and encrypted) and wakes the relay; resolves once it is stored. */
  accept<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<'accepted' | 'duplicate'> {
    return this.write(source, workflowId, def, args);
  }

  private async write<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, args: A, sending?: (sent: Promise<unknown>) => void): Promise<'accepted' | 'duplicate'> {
    const payloads = await this.edge.encode(args);
    // With room in flight, this relay leases it as it writes it and sends it at once (no round trip through
    // the work list); if this process dies first, the lease runs out and any relay sends it.
    const now = new Date();
    const lease = this.running && this.inFlight < this.opts.maxInFlight ? { owner: this.owner, until: new Date(now.getTime() + this.opts.leaseMs) } : undefined;
    const entry = { _id: callbackKey(workflowId, def.name, args), source, workflowId, signal: def.name, payloads };
    const written = this.opts.store.callbacks.accept(entry, now, lease);
    if (!lease) {
      const r = await written;
      this.kick();
      return r;
    }
    // Sent while it is written (a repeat, or a send that was not recorded, is applied once by its request id);
    // recorded as delivered only once it is written and was ours.
    const sent = this.dispatch({ ...entry, state: 'pending', attempts: 0, receivedAt: now, order: 0, nextAttemptAt: now, lease }, written);
    sending?.(sent);
    return written;
  }

  /**
   * As `accept`, and waits (up to `waitMs`) until the signal has reached the workflow when it was sent at once:
   * for a callback whose sender acts on our answer (the voice agent ends the call after a tool call's reply), so
   * what it does next cannot overtake it. Written down either way: if the send is slow or fails, the relay goes on.
   */
  async acceptAndTell<A extends unknown[]>(source: CallbackSource, workflowId: string, def: SignalDefinition<A>, args: A, waitMs = 10_000): Promise<'accepted' | 'duplicate'> {
    let sent: Promise<unknown> | undefined;
    const r = await this.write(source, workflowId, def, args, (p) => (sent = p));
    if (sent) await Promise.race([sent, new Promise((ok) => setTimeout(ok, waitMs).unref())]);
    return r;
  }

  /** A Signaler whose signals go through this relay (the inbox monitor's): 'sent' means written down. */
  signaler(source: CallbackSource): Signaler {
    const relay = this;
    return {
      async send<A extends unknown[]>(workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<'sent'> {
        await relay.accept(source, workflowId, def, ...args);
        return 'sent';
      },
    };
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

  /** Sends a leased callback and records the outcome (for one just accepted: once it is written, and only if it was new). */
  private dispatch(c: InboxCallback, written: Promise<'accepted' | 'duplicate'> = Promise.resolve('accepted')): Promise<unknown> {
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
export function relayOf(deps: { config: Pick<Config, 'RELAY_MAX_IN_FLIGHT' | 'RELAY_LEASE_SECONDS' | 'RELAY_GIVE_UP_SECONDS'>; store: RelayOptions['store']; temporal: TemporalEdge; logger: Logger; relay?: CallbackRelay }): CallbackRelay {
  if (deps.relay) return deps.relay;
  let relay = relays.get(deps.store);
  if (!relay) {
    relay = CallbackRelay.forConfig(deps.config, { store: deps.store, edge: deps.temporal, logger: deps.logger }).start();
    relays.set(deps.store, relay);
  }
  return relay;
}
