// Replays recorded histories of every workflow type against today's workflow code: a change that
// would break running workflows (non-determinism) fails here. Re-record with scripts/record-histories.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/stack';

const DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

describe('replay of recorded histories', function () {
  this.timeout(120_000);
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('has histories of every workflow type', () => {
    const types = new Set(
      files.map((f) => {
        const h = JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
        return h.events[0].workflowExecutionStartedEventAttributes.workflowType.name as string;
      }),
    );
    for (const t of ['folioWorkflow', 'hotelDispatchWorkflow', 'callWorkflow', 'emailRequestWorkflow', 'callSlotsWorkflow', 'retentionWorkflow']) assert.ok(types.has(t), `a history of ${t}`);
  });

  it('replays every history without non-determinism', async () => {
    const bundle = await workflowBundle();
    const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) }));
    const failures: string[] = [];
    // the workers' projection sink is not called on replay; registered so the replay does not report it missing
    const sinks = { projection: { write: { fn: () => undefined } } };
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'recorded', sinks }, histories)) {
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
