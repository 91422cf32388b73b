// Signals, updates and queries to a folio workflow, bounded in time, with Temporal's errors mapped to
// API errors: a finished workflow is 409, an update the workflow rejects is 400/409 with its message,
// an unreachable Temporal is 503, a workflow that does not answer in time is 504.
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcDeadlineError, isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type QueryDefinition, type SignalDefinition, type UpdateDefinition } from '@temporalio/common';
import { ApiError } from './errors';

const CALL_TIMEOUT_MS = 10_000;
// Update rejections the workflow marks as bad input (rather than a state conflict) become 400.
const INPUT_FAILURE_TYPES = new Set(['ValidationError', 'InvalidArgument', 'InvalidInput']);

/**
 * A call that ran out of time: Temporal answers a signal without running the workflow, so a signal
 * that times out means Temporal was not reachable (503); a query or update that times out may be the
 * workflow not answering (504).
 */
type Timeout = 'temporal' | 'workflow';

export function toApiError(e: unknown, what: string, timeout: Timeout = 'workflow'): unknown {
  if (e instanceof ApiError) return e;
  if (e instanceof WorkflowNotFoundError) return new ApiError(409, 'folio_not_active', `${what}: the folio's workflow is no longer running`);
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause;
    const message = cause instanceof Error ? cause.message : e.message;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    const status = type && INPUT_FAILURE_TYPES.has(type) ? 400 : 409;
    return new ApiError(status, status === 400 ? 'invalid_request' : 'rejected', `${what} rejected: ${message}`, [{ field: 'body', problem: message }]);
  }
  if (timeout === 'temporal' && isGrpcDeadlineError(e)) return new ApiError(503, 'temporal_unavailable', `${what}: Temporal did not answer in time; try again`);
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(e)) return new ApiError(504, 'workflow_timeout', `${what}: the folio's workflow did not answer in time; try again`);
  if (e instanceof ServiceError || isGrpcServiceError(e)) {
    const code = isGrpcServiceError(e) ? e.code : isGrpcServiceError(e.cause) ? e.cause.code : undefined;
    if (code === 5) return new ApiError(409, 'folio_not_active', `${what}: the folio's workflow is no longer running`);
    if (code === 3) return new ApiError(409, 'rejected', `${what} rejected: ${(e as Error).message}`);
    return new ApiError(503, 'temporal_unavailable', `${what}: Temporal is not reachable right now; try again`);
  }
  return e;
}

export async function bounded<T>(client: Client, what: string, fn: () => Promise<T>, timeout: Timeout = 'workflow'): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + CALL_TIMEOUT_MS, fn);
  } catch (e) {
    throw toApiError(e, what, timeout);
  }
}

export function signalFolio<A extends unknown[]>(client: Client, workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<void> {
  return bounded(client, def.name, () => client.workflow.getHandle(workflowId).signal(def, ...args), 'temporal');
}

export function updateFolio<R, A extends [unknown, ...unknown[]]>(client: Client, workflowId: string, def: UpdateDefinition<R, A>, ...args: A): Promise<R> {
  return bounded(client, def.name, () => client.workflow.getHandle(workflowId).executeUpdate(def, { args }));
}

export function queryFolio<R>(client: Client, workflowId: string, def: QueryDefinition<R>): Promise<R> {
  return bounded(client, def.name, () => client.workflow.getHandle(workflowId).query(def));
}

export const isAlreadyStarted = (e: unknown) => e instanceof WorkflowExecutionAlreadyStartedError;
