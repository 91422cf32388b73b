// What the API makes of the Temporal edge's answers: a finished workflow is 409, an update the workflow
// rejects is 400 (bad input) or 409 (a state conflict) with its message, an unreachable Temporal is 503,
// a workflow that does not answer in time is 504.
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { GONE, TemporalUnavailableError, WorkflowNotAnsweringError, WorkflowRejectedError, type Gone, type TemporalEdge } from '../temporal/edge';
import { ApiError } from './errors';

// Update rejections the workflow marks as bad input (rather than a state conflict) become 400.
const INPUT_FAILURE_TYPES = new Set(['ValidationError', 'InvalidArgument', 'InvalidInput']);

export function toApiError(e: unknown, what: string): unknown {
  if (e instanceof WorkflowRejectedError) {
    const status = e.failureType && INPUT_FAILURE_TYPES.has(e.failureType) ? 400 : 409;
    return new ApiError(status, status === 400 ? 'invalid_request' : 'rejected', `${what} rejected: ${e.message}`, [{ field: 'body', problem: e.message }]);
  }
  if (e instanceof TemporalUnavailableError) return new ApiError(503, 'temporal_unavailable', `${what}: Temporal is not reachable right now; try again`);
  if (e instanceof WorkflowNotAnsweringError) return new ApiError(504, 'workflow_timeout', `${what}: the folio's workflow did not answer in time; try again`);
  return e;
}

export const folioNotActive = (what: string) => new ApiError(409, 'folio_not_active', `${what}: the folio's workflow is no longer running`);

/** Runs one edge call; Temporal's failures become API errors. */
export async function viaEdge<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toApiError(e, what);
  }
}

async function active<T>(what: string, call: () => Promise<T | Gone>): Promise<T> {
  const r = await viaEdge(what, call);
  if (r === GONE) throw folioNotActive(what);
  return r;
}

export async function signalFolio<A extends unknown[]>(edge: TemporalEdge, workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<void> {
  await active(def.name, () => edge.send(workflowId, def, ...args));
}

export function updateFolio<R, A extends [unknown, ...unknown[]]>(edge: TemporalEdge, workflowId: string, def: UpdateDefinition<R, A>, ...args: A): Promise<R> {
  return active(def.name, () => edge.update(workflowId, def, ...args));
}

export function queryFolio<R>(edge: TemporalEdge, workflowId: string, def: QueryDefinition<R>): Promise<R> {
  return active(def.name, () => edge.query(workflowId, def));
}
