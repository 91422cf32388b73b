// The workflow types the outside starts by name (workflows/definitions.ts) name workflows the worker
// registers, their start arguments are ones those workflows accept, and their results what those workflows
// return: checked by the compiler here.
import assert from 'node:assert/strict';
import * as workflows from '../../workflows';
import { WORKFLOW_TYPES, type WorkflowType } from '../../workflows/definitions';
import { BENCH_WORKFLOW_TYPES } from '../../bench/workflow-types';
import * as simWorkflows from '../../bench/sim-workflows';
import * as skeletonWorkflows from '../../bench/skeleton-workflows';

type ArgsOf<T> = T extends WorkflowType<infer A> ? A : never;
type ResultOf<T> = T extends WorkflowType<unknown[], infer R> ? R : never;
/** `true` only when every argument list the type allows is one the workflow function takes, and it returns the type's result. */
type Accepts<F extends (...args: never[]) => unknown, T> = ArgsOf<T> extends Parameters<F> ? (Awaited<ReturnType<F>> extends ResultOf<T> ? (ResultOf<T> extends Awaited<ReturnType<F>> ? true : false) : false) : false;

const accepted: { [K in keyof typeof WORKFLOW_TYPES]: true } = {
  folio: true satisfies Accepts<typeof workflows.folioWorkflow, typeof WORKFLOW_TYPES.folio>,
  hotelDispatch: true satisfies Accepts<typeof workflows.hotelDispatchWorkflow, typeof WORKFLOW_TYPES.hotelDispatch>,
  callSlots: true satisfies Accepts<typeof workflows.callSlotsWorkflow, typeof WORKFLOW_TYPES.callSlots>,
  call: true satisfies Accepts<typeof workflows.callWorkflow, typeof WORKFLOW_TYPES.call>,
  emailRequest: true satisfies Accepts<typeof workflows.emailRequestWorkflow, typeof WORKFLOW_TYPES.emailRequest>,
  retention: true satisfies Accepts<typeof workflows.retentionWorkflow, typeof WORKFLOW_TYPES.retention>,
};

const benchAccepted: { [K in keyof typeof BENCH_WORKFLOW_TYPES]: true } = {
  hotelReply: true satisfies Accepts<typeof simWorkflows.hotelReplyWorkflow, typeof BENCH_WORKFLOW_TYPES.hotelReply>,
  skeleton: true satisfies Accepts<typeof skeletonWorkflows.skeletonWorkflow, typeof BENCH_WORKFLOW_TYPES.skeleton>,
};

describe('workflow types', () => {
  it('each names a workflow the worker bundle exports', () => {
    for (const [key, type] of Object.entries(WORKFLOW_TYPES)) {
      assert.equal(typeof (workflows as Record<string, unknown>)[type.name], 'function', `${key}: ${type.name} is not exported by workflows/index.ts`);
    }
    assert.deepEqual(Object.keys(accepted).sort(), Object.keys(WORKFLOW_TYPES).sort());
  });

  it("the benchmarks' own name workflows their bundles export", () => {
    const bundles = { ...simWorkflows, ...skeletonWorkflows } as Record<string, unknown>;
    for (const [key, type] of Object.entries(BENCH_WORKFLOW_TYPES)) assert.equal(typeof bundles[type.name], 'function', `${key}: ${type.name} is not exported by its bench bundle`);
    assert.deepEqual(Object.keys(benchAccepted).sort(), Object.keys(BENCH_WORKFLOW_TYPES).sort());
  });
});
