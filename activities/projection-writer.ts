// The read side's writer in a worker process: folio states and timeline events the workflows hand over
// (through a sink after each workflow task, or from an activity that must see them stored), written in
// batches. Per folio only the newest state waits (a newer one replaces it; its events are kept); a batch
// goes out a few milliseconds after its first write or as soon as it is full; a failed batch is tried
// again with backoff. Measures the lag: write time minus the time the state changed in its workflow.
import type { Histogram } from 'prom-client';
import type { InjectedSinks } from '@temporalio/worker';
import type { Store } from '../adapters/mongo/store';
import { logger as defaultLogger, type Logger } from '../config/logger';
import type { FolioEvent } from '../domain/events';
import type { FolioProjectionUpdate, ProjectionSinks } from '../workflows/projection';
import { MINUTE_MS } from '../domain/calendar';

/** The sink that feeds a worker's writer (Worker.create({ sinks })); not called when a history is replayed. */
export function projectionSinks(writer: ProjectionWriter): InjectedSinks<ProjectionSinks> {
  return { projection: { write: { fn: (_info, update) => writer.write(update), callDuringReplay: false } } };
}

/** Writes one state and its events now, events first (for an activity that must see them stored before it acts). */
export async function writeProjection(store: Pick<Store, 'folios'>, update: FolioProjectionUpdate): Promise<void> {
  await store.folios.appendEvents(update.events);
  await store.folios.project(update.folioId, update.seq, update.set);
}

export interface ProjectionWriterOptions {
  /** How long the first write of a batch waits for others (ms). */
  flushAfterMs?: number;
  /** A batch goes out at once with this many folios in it. */
  maxBatch?: number;
  /** How long a passing state is retried before the next write of its folio (or its durable write) is left to mend it. */
  giveUpAfterMs?: number;
  /** Observes each write's lag in seconds (folio_projection_lag_seconds). */
  lag?: { observe(seconds: number): void } | Pick<Histogram, 'observe'>;
  logger?: Logger;
}

interface Pending {
  update: FolioProjectionUpdate;
  events: Map<string, FolioEvent>;
  /** When the oldest change not yet written happened in its workflow (ms). */
  changedAt: number;
  firstTriedAt?: number;
  waiters: { resolve(): void; reject(e: unknown): void }[];
}

export class ProjectionWriter {
  private pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private closed = false;
  readonly counters = { written: 0, batches: 0, failedBatches: 0, givenUp: 0 };
  private readonly flushAfterMs: number;
  private readonly maxBatch: number;
  private readonly giveUpAfterMs: number;
  private readonly log: Logger;

  constructor(
    private readonly store: Pick<Store, 'folios'>,
    private readonly opts: ProjectionWriterOptions = {},
  ) {
    this.flushAfterMs = opts.flushAfterMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 200;
    this.giveUpAfterMs = opts.giveUpAfterMs ?? 5 * MINUTE_MS;
    this.log = opts.logger ?? defaultLogger;
  }

  /** Takes a state (and its events) to write soon; returns at once. */
  write(update: FolioProjectionUpdate): void {
    this.add(update);
  }

  /** Writes a state now (with whatever else waits) and resolves once it is stored; rejects when the store refused. */
  writeNow(update: FolioProjectionUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      this.add(update).waiters.push({ resolve, reject });
      this.schedule(0);
    });
  }

  /** Writes what waits (for a shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let i = 0; i < 3 && (this.pending.size || this.flushing); i++) {
      await this.flushing;
      if (this.pending.size) await this.flush().catch(() => undefined);
    }
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Resolves once nothing waits and no batch is on its way (tests and benchmarks read the store after it). */
  async settled(): Promise<void> {
    while (this.pending.size || this.flushing || this.timer) {
      if (this.flushing) await this.flushing.catch(() => undefined);
      else await new Promise((r) => setTimeout(r, Math.max(1, this.flushAfterMs)));
    }
  }

  private add(update: FolioProjectionUpdate): Pending {
    const changedAt = update.at ? Date.parse(update.at) : Date.now();
    let p = this.pending.get(update.folioId);
    if (!p) {
      p = { update, events: new Map(), changedAt, waiters: [] };
      this.pending.set(update.folioId, p);
    } else {
      if (update.seq >= p.update.seq) p.update = mergeDetails(p.update, update);
      p.changedAt = Math.min(p.changedAt, changedAt);
    }
    for (const e of update.events) p.events.set(e.eventId, e);
    this.schedule(this.pending.size >= this.maxBatch ? 0 : this.flushAfterMs);
    return p;
  }

  private schedule(ms: number): void {
    if (this.flushing) return; // the running flush schedules the next
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, ms);
    this.timer.unref?.();
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.size === 0) return;
    const batch = [...this.pending.values()].slice(0, this.maxBatch);
    for (const p of batch) this.pending.delete(p.update.folioId);
    this.flushing = this.writeBatch(batch);
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
      if (this.pending.size && !this.closed) this.schedule(this.failures ? Math.min(30_000, 250 * 2 ** this.failures) : 0);
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    this.counters.batches++;
    try {
      // events first: a state is never shown without the events that led to it
      await this.store.folios.appendEvents(batch.flatMap((p) => [...p.events.values()]));
      await this.store.folios.projectMany(batch.map((p) => ({ folioId: p.update.folioId, seq: p.update.seq, set: p.update.set })));
      const now = Date.now();
      this.failures = 0;
      this.counters.written += batch.length;
      for (const p of batch) {
        this.opts.lag?.observe(Math.max(0, now - p.changedAt) / 1000);
        for (const w of p.waiters) w.resolve();
      }
    } catch (err) {
      this.failures++;
      this.counters.failedBatches++;
      const now = Date.now();
      for (const p of batch) {
        for (const w of p.waiters) w.reject(err);
        p.waiters = [];
        p.firstTriedAt ??= now;
        if (now - p.firstTriedAt > this.giveUpAfterMs) {
          this.counters.givenUp++; // the folio's next write carries its whole state and every event since its last durable write
          continue;
        }
        this.requeue(p);
      }
      this.log.warn({ err: String(err), folios: batch.length, failures: this.failures }, 'projection batch not written; trying again');
    }
  }

  /** Puts a failed state back, unless a newer one of its folio arrived meanwhile (whose events it joins). */
  private requeue(p: Pending): void {
    const newer = this.pending.get(p.update.folioId);
    if (!newer) {
      this.pending.set(p.update.folioId, p);
      return;
    }
    for (const [id, e] of p.events) if (!newer.events.has(id)) newer.events.set(id, e);
    newer.changedAt = Math.min(newer.changedAt, p.changedAt);
    newer.firstTriedAt = p.firstTriedAt;
    if (p.update.seq > newer.update.seq) newer.update = mergeDetails(newer.update, p.update);
  }
}

/** The newer state, keeping details (document, extraction) an older one carried and the newer does not repeat. */
function mergeDetails(older: FolioProjectionUpdate, newer: FolioProjectionUpdate): FolioProjectionUpdate {
  if (newer === older) return newer;
  const carried = { ...(older.set.extracted !== undefined && { extracted: older.set.extracted }), ...(older.set.document !== undefined && { document: older.set.document }) };
  return { ...newer, set: { ...carried, ...newer.set } };
}
