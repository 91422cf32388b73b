// The workflow types the outside starts by name (workflows/definitions.ts) name workflows the worker
// registers, and their start arguments are ones those workflows accept: checked by the compiler here.
import assert from 'node:assert/strict';
import * as workflows from '../../workflows';
import { WORKFLOW_TYPES, type WorkflowType } from '../../workflows/definitions';

type ArgsOf<T> = T extends WorkflowType<infer A> ? A : never;
/** `true` only when every argument list the type allows is one the workflow function takes. */
type Accepts<F extends (...args: never[]) => unknown, T> = ArgsOf<T> extends Parameters<F> ? true : false;

const accepted: { [K in keyof typeof WORKFLOW_TYPES]: true } = {
  folio: true satisfies Accepts<typeof workflows.folioWorkflow, typeof WORKFLOW_TYPES.folio>,
  hotelDispatch: true satisfies Accepts<typeof workflows.hotelDispatchWorkflow, typeof WORKFLOW_TYPES.hotelDispatch>,
  callSlots: true satisfies Accepts<typeof workflows.callSlotsWorkflow, typeof WORKFLOW_TYPES.callSlots>,
  call: true satisfies Accepts<typeof workflows.callWorkflow, typeof WORKFLOW_TYPES.call>,
  emailRequest: true satisfies Accepts<typeof workflows.emailRequestWorkflow, typeof WORKFLOW_TYPES.emailRequest>,
  retention: true satisfies Accepts<typeof workflows.retentionWorkflow, typeof WORKFLOW_TYPES.retention>,
};

describe('workflow types', () => {
  it('each names a workflow the worker bundle exports', () => {
    for (const [key, type] of Object.entries(WORKFLOW_TYPES)) {
      assert.equal(typeof (workflows as Record<string, unknown>)[type.name], 'function', `${key}: ${type.name} is not exported by workflows/index.ts`);
    }
    assert.deepEqual(Object.keys(accepted).sort(), Object.keys(WORKFLOW_TYPES).sort());
  });
});
