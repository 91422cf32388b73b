// The action counter of the benchmarks follows Temporal Cloud's billing rules (bench/actions.ts names them).
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { actionsOf } from '../../bench/actions';

const E = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;
const ev = (eventType: temporal.api.enums.v1.EventType, extra: Partial<Event> = {}): Event => ({ eventType, ...extra });
const upsert = (...keys: string[]): Event => ev(E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: Object.fromEntries(keys.map((k) => [k, {}])) } } });

describe('Temporal Cloud action counting', () => {
  it('bills a Signal-With-Start that starts the run once, and a later signal once', () => {
    const { actions, byKind } = actionsOf([ev(E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED), ev(E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), ev(E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), ev(E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)]);
    assert.equal(actions, 2);
    assert.deepEqual(byKind, { 'workflow started': 1, signal: 1 });
  });

  it('bills the parent side of a child start (the child bills its own start), each activity attempt and each timer', () => {
    const { actions } = actionsOf([
      ev(E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ev(E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
      ev(E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      ev(E.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 3 } }),
      ev(E.EVENT_TYPE_TIMER_STARTED),
    ]);
    assert.equal(actions, 1 + 1 + 3 + 1);
  });

  it('does not bill a patch: neither its marker nor its TemporalChangeVersion upsert', () => {
    const { actions, byKind } = actionsOf([
      ev(E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ev(E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(E.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_patch' } }),
      upsert('TemporalChangeVersion'),
      upsert('FolioStatus', 'HotelId'),
    ]);
    assert.equal(actions, 2);
    assert.equal(byKind['search attributes upserted'], 1);
  });

  it('bills local activities once per workflow task that ran any', () => {
    const la = (task: number): Event => ev(E.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: task as never } });
    assert.equal(actionsOf([la(4), la(4), la(9)]).actions, 2);
  });
});
