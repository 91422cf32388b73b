// Every workflow the worker runs (the bundle entry point).
export { folioWorkflow } from './folio';
export { hotelDispatchWorkflow } from './hotel-dispatch';
export { callWorkflow } from './call';
export { emailRequestWorkflow } from './email-request';
export { callSlotsWorkflow } from './call-slots';
export { retentionWorkflow } from './retention';
