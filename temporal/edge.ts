// The one way into a workflow from outside one: start, signal, signal-with-start, update, query (and, for
// benchmarks and tools, result, describe, history, terminate). Typed by workflows/definitions.ts; every attempt
// has a deadline, "Temporal unavailable" is retried within a budget, and a workflow that has ended or never
// existed answers GONE: a result the caller decides about, not an error.
// Callbacks a webhook accepted are not signalled from memory: they are encoded (and encrypted) here, written
// down by the callback relay (relay.ts), and sent with a request id of their own, which Temporal applies once.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isGrpcDeadlineError,
  isGrpcServiceError,
  QueryNotRegisteredError,
  QueryRejectedError,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { ApplicationFailure, toPayloads, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Payload, type QueryDefinition, type SignalDefinition, type UpdateDefinition } from '@temporalio/common';
import type { Config } from '../config';
import { logger as rootLogger, type Logger } from '../config/logger';
import type { WorkflowType } from '../workflows/definitions';

/** The workflow has ended (or never existed): there is nobody left to tell. */
export const GONE: unique symbol = Symbol('workflow gone');
export type Gone = typeof GONE;

/** How long to keep trying while Temporal is unreachable: give up after `maxMs`; the first pause `firstDelayMs`, doubled up to 15 s. */
export interface RetryBudget {
  maxMs: number;
  firstDelayMs: number;
}
/** One attempt: the caller answers now (an API request) or retries later itself (an activity, the inbox). */
export const NO_RETRY: RetryBudget = Object.freeze({ maxMs: 0, firstDelayMs: 0 });
const DEFAULT_ATTEMPT_MS = 10_000;

/** Temporal could not be reached (or did not answer a signal or start) within the budget. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}
/** Temporal took the query or update, but the workflow did not answer in time (no worker, or a stuck one). */
export class WorkflowNotAnsweringError extends Error {
  override name = 'WorkflowNotAnsweringError';
}
/** The workflow refused an update or query: `failureType` is the ApplicationFailure type it threw, if any. */
export class WorkflowRejectedError extends Error {
  override name = 'WorkflowRejectedError';
  constructor(
    message: string,
    readonly failureType?: string,
  ) {
    super(message);
  }
}

export interface EdgeOptions {
  /** Where started workflows run (the worker's task queue). */
  taskQueue: string;
  logger?: Logger;
  /** Deadline of one attempt. */
  attemptMs?: number;
  retry?: RetryBudget;
}

type Operation = 'start' | 'signal' | 'update' | 'query' | 'inspect';

/** A signal's arguments as the data converter encodes them (codec included: encrypted), base64, ready to be stored. */
export interface EncodedPayload {
  metadata: Record<string, string>;
  data: string;
}
type StartExtras = Partial<Pick<WorkflowStartOptions, 'memo' | 'staticSummary' | 'staticDetails' | 'typedSearchAttributes' | 'workflowIdConflictPolicy' | 'workflowIdReusePolicy' | 'workflowExecutionTimeout' | 'taskQueue'>>;

export class TemporalEdge {
  private readonly log: Logger;

  constructor(
    private readonly client: Client,
    private readonly opts: EdgeOptions,
  ) {
    this.log = (opts.logger ?? rootLogger).child({ component: 'temporal-edge' });
  }

  /** The same edge with another retry budget. */
  retrying(retry: RetryBudget): TemporalEdge {
    return new TemporalEdge(this.client, { ...this.opts, retry });
  }

  get taskQueue(): string {
    return this.opts.taskQueue;
  }

  /** Starts a workflow once: a second start with the same id answers 'already-started'. */
  async start<A extends unknown[]>(type: WorkflowType<A>, workflowId: string, args: A, extras: StartExtras = {}): Promise<'started' | 'already-started'> {
    const r = await this.attempt('start', type.name, workflowId, async () => {
      try {
        await this.client.workflow.start(type.name, { taskQueue: this.opts.taskQueue, ...extras, workflowId, args });
        return 'started' as const;
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return 'already-started' as const;
        throw e;
      }
    });
    if (r === GONE) throw new TemporalUnavailableError(`start ${type.name} ${workflowId}: Temporal answered "not found"`);
    return r;
  }

  /** Signal-with-start: sends the signal, starting the workflow first with `args` when it is not running. Answers the run signalled. */
  async sendOrStart<A extends unknown[], S extends unknown[]>(type: WorkflowType<A>, workflowId: string, args: A, signal: SignalDefinition<S>, ...signalArgs: S): Promise<string> {
    // typed above by the definitions; the client's own option type cannot follow generic signal arguments
    const options = { taskQueue: this.opts.taskQueue, workflowId, args, signal, signalArgs } as unknown as Parameters<Client['workflow']['signalWithStart']>[1];
    const r = await this.attempt('start', signal.name, workflowId, () => this.client.workflow.signalWithStart(type.name, options));
    if (r === GONE) throw new TemporalUnavailableError(`signal-with-start ${type.name} ${workflowId}: Temporal answered "not found"`);
    return r.signaledRunId;
  }

  async send<A extends unknown[]>(workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<'sent' | Gone> {
    return this.attempt('signal', def.name, workflowId, async () => {
      await this.client.workflow.getHandle(workflowId).signal(def, ...args);
      return 'sent' as const;
    });
  }

  /** A signal's arguments encoded by this client's data converter (and its codec), to be stored and sent later. */
  async encode(args: unknown[]): Promise<EncodedPayload[]> {
    const converter = this.client.options.loadedDataConverter;
    let payloads: Payload[] = toPayloads(converter.payloadConverter, ...args) ?? [];
    for (const codec of converter.payloadCodecs) payloads = await codec.encode(payloads);
    return payloads.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') }));
  }

  /**
   * Sends a signal encoded earlier, under `requestId`: Temporal applies a signal once per request id for the
   * run, so sending it again (after a crash between sending and recording that it was sent) changes nothing.
   */
  async sendEncoded(workflowId: string, signalName: string, payloads: EncodedPayload[], requestId: string, headers?: Record<string, Payload>): Promise<'sent' | Gone> {
    const { namespace, identity } = this.client.options;
    const input = { payloads: payloads.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(p.data, 'base64') })) };
    return this.attempt('signal', signalName, workflowId, async () => {
      await this.client.workflowService.signalWorkflowExecution({ namespace, workflowExecution: { workflowId }, signalName, input, identity, requestId, ...(headers && { header: { fields: headers } }) });
      return 'sent' as const;
    });
  }

  /** Runs an update and returns its result; the same update id on every attempt, so a retry never runs it twice. */
  async update<R, A extends [unknown, ...unknown[]]>(workflowId: string, def: UpdateDefinition<R, A>, ...args: A): Promise<R | Gone> {
    const updateId = randomUUID();
    return this.attempt('update', def.name, workflowId, () => this.client.workflow.getHandle(workflowId).executeUpdate(def, { args, updateId }));
  }

  async query<R, A extends unknown[]>(workflowId: string, def: QueryDefinition<R, A>, ...args: A): Promise<R | Gone> {
    return this.attempt('query', def.name, workflowId, () => this.client.workflow.getHandle(workflowId).query(def, ...args));
  }

  /**
   * Waits for the workflow to end (following continue-as-new) and answers its result; a failed, cancelled or
   * terminated run throws. No deadline: the wait is as long as the workflow takes.
   */
  async result<A extends unknown[], R>(_type: WorkflowType<A, R>, workflowId: string): Promise<R> {
    return (await this.client.workflow.getHandle(workflowId).result()) as R;
  }

  /** The run's status, type and times (the latest run, or `runId`); GONE if it never existed. */
  async describe(workflowId: string, runId?: string): Promise<WorkflowExecutionDescription | Gone> {
    return this.attempt('inspect', 'describe', workflowId, () => this.client.workflow.getHandle(workflowId, runId).describe());
  }

  /** The run's history events (the latest run, or `runId`); GONE if it never existed. */
  async history(workflowId: string, runId?: string): Promise<temporal.api.history.v1.IHistoryEvent[] | Gone> {
    return this.attempt('inspect', 'history', workflowId, async () => (await this.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? []);
  }

  /** Ends a run at once, without its code running again (an operator's last resort, a benchmark's clean-up). */
  async terminate(workflowId: string, reason: string): Promise<'terminated' | Gone> {
    return this.attempt('signal', 'terminate', workflowId, async () => {
      await this.client.workflow.getHandle(workflowId).terminate(reason);
      return 'terminated' as const;
    });
  }

  /** The headers a workflow was started with (trace context, for webhooks about it); GONE if it does not exist. */
  async startHeaders(workflowId: string): Promise<Record<string, unknown> | undefined | Gone> {
    return this.attempt('query', 'start headers', workflowId, async () => {
      const h = await this.client.workflowService.getWorkflowExecutionHistory({ namespace: this.client.options.namespace, execution: { workflowId }, maximumPageSize: 1 });
      return (h.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.header?.fields ?? undefined) as Record<string, unknown> | undefined;
    });
  }

  /**
   * Creates the schedule, or brings an existing one to this spec and action (idempotent: every worker start
   * calls it). Runs start `type` under `workflowId` on this edge's task queue, one at a time (overlaps skipped).
   * A schedule an operator paused stays paused.
   */
  async ensureSchedule<A extends unknown[]>(scheduleId: string, cron: string, type: WorkflowType<A>, workflowId: string, args: A): Promise<'created' | 'updated'> {
    const action = { type: 'startWorkflow' as const, workflowType: type.name, workflowId, taskQueue: this.opts.taskQueue, args };
    const spec = { cronExpressions: [cron] };
    const r = await this.attempt('start', `schedule ${scheduleId}`, workflowId, async () => {
      try {
        await this.client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } });
        return 'created' as const;
      } catch (e) {
        if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      }
      await this.client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } }));
      return 'updated' as const;
    });
    if (r === GONE) throw new TemporalUnavailableError(`schedule ${scheduleId}: Temporal answered "not found"`);
    this.log.info({ scheduleId, cron, workflowType: type.name }, `schedule ${r}`);
    return r;
  }

  /** Whether Temporal answers at all (readiness checks). */
  async ping(timeoutMs: number): Promise<void> {
    await this.client.withDeadline(Date.now() + timeoutMs, () => this.client.workflowService.getSystemInfo({}));
  }

  private async attempt<T>(op: Operation, what: string, workflowId: string, fn: () => Promise<T>): Promise<T | Gone> {
    const budget = this.opts.retry ?? NO_RETRY;
    const attemptMs = this.opts.attemptMs ?? DEFAULT_ATTEMPT_MS;
    const giveUpAt = Date.now() + budget.maxMs;
    let delay = budget.firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        // each attempt bounded: the client's own retries would otherwise hold one attempt far past the budget
        const ms = budget.maxMs > 0 ? Math.min(attemptMs, Math.max(1000, giveUpAt - Date.now())) : attemptMs;
        const r = await this.client.withDeadline(Date.now() + ms, fn);
        if (attempt > 1) this.log.info({ workflowId, what, attempt }, 'reached the workflow after retrying');
        return r;
      } catch (e) {
        const failure = classify(e, op, `${what} ${workflowId}`);
        if (failure === GONE) return GONE;
        if (!failure.retry || Date.now() + delay > giveUpAt) throw failure.error;
        if (attempt === 1) this.log.warn({ workflowId, what, err: failure.error.message }, 'Temporal unavailable; retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, 15_000);
      }
    }
  }
}

/** The edge of this process: its client, on the configured task queue. */
export function edgeFor(client: Client, config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>, logger?: Logger): TemporalEdge {
  return new TemporalEdge(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, logger });
}

/** What needs only to tell workflows things (the inbox monitor, the unmatched queue): the edge, or a recorder in tests. */
export type Signaler = Pick<TemporalEdge, 'send'>;

const GRPC_NOT_FOUND = 5;
const GRPC_INVALID_ARGUMENT = 3;

function grpcCode(e: unknown): number | undefined {
  if (isGrpcServiceError(e)) return e.code;
  if (e instanceof ServiceError && isGrpcServiceError(e.cause)) return e.cause.code;
  return undefined;
}

/** What a failed attempt means: the workflow is gone, or an error to throw (and whether to try again first). */
function classify(e: unknown, op: Operation, what: string): Gone | { error: Error; retry: boolean } {
  const code = grpcCode(e);
  if (e instanceof WorkflowNotFoundError || code === GRPC_NOT_FOUND) return GONE;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause;
    return { error: new WorkflowRejectedError(cause instanceof Error ? cause.message : message, cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined), retry: false };
  }
  if (e instanceof QueryRejectedError || e instanceof QueryNotRegisteredError || code === GRPC_INVALID_ARGUMENT) return { error: new WorkflowRejectedError(message), retry: false };
  // Temporal answers a signal or a start without running the workflow: running out of time there means Temporal itself.
  const workflowSide = op === 'update' || op === 'query';
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (workflowSide && isGrpcDeadlineError(e))) {
    return { error: new WorkflowNotAnsweringError(`${what}: the workflow did not answer in time`, { cause: e }), retry: true };
  }
  if (isGrpcDeadlineError(e) || e instanceof ServiceError || isGrpcServiceError(e)) {
    return { error: new TemporalUnavailableError(`${what}: Temporal is not reachable (${message.split('\n')[0]})`, { cause: e }), retry: true };
  }
  return { error: e instanceof Error ? e : new Error(message), retry: false };
}
