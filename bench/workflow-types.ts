// The benchmarks' own workflows (the simulated hotels' replies, the throughput skeleton) as the Temporal edge sees them.
import { workflowType } from '../workflows/definitions';
import type { HotelReplyInput } from './sim-workflows';
import type { SkeletonInput } from './skeleton-workflows';

/** A simulated hotel's message, waiting on a durable timer (bench/sim-workflows.ts). */
export const hotelReplyWorkflowType = workflowType<[HotelReplyInput], number | string>('hotelReplyWorkflow');
/** The throughput baseline: the activities and timers of a folio and nothing else (bench/skeleton-workflows.ts). */
export const skeletonWorkflowType = workflowType<[SkeletonInput], number>('skeletonWorkflow');

export const BENCH_WORKFLOW_TYPES = { hotelReply: hotelReplyWorkflowType, skeleton: skeletonWorkflowType } as const;
