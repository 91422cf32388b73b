// The heap bound of the worker's workflow thread (workers/workflow-heap.ts): derived from the cache bound unless
// configured, and applied to worker threads created after it, never to the main thread. The flag is process-wide,
// so it is applied in a child process of its own: this one runs workflow threads for other tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { workflowHeapMb } from '../../workers/workflow-heap';
import { ROOT } from '../helpers/stack';

describe('workflow thread heap bound (workers/workflow-heap.ts)', function () {
  this.timeout(60_000);

  it('is the configured bound, or grows with the cache bound from a base for the thread itself', () => {
    assert.equal(workflowHeapMb(300, 100), 300);
    assert.equal(workflowHeapMb(0, 100), 221);
    assert.equal(workflowHeapMb(0, 0), 96);
    assert.equal(workflowHeapMb(0, 1000), 1346);
    assert.ok(workflowHeapMb(0, 101) > workflowHeapMb(0, 100));
  });

  it('bounds the old space of threads created after it and leaves the main thread as it started', () => {
    const script = `
      const v8 = require('node:v8');
      const { Worker } = require('node:worker_threads');
      const { boundWorkflowHeap } = require(${JSON.stringify(path.join(ROOT, 'workers/workflow-heap.ts'))});
      const mainBefore = v8.getHeapStatistics().heap_size_limit;
      const mb = boundWorkflowHeap(150, 100);
      const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", { eval: true });
      w.once('message', (thread) => { console.log(JSON.stringify({ mb, mainBefore, mainAfter: v8.getHeapStatistics().heap_size_limit, thread })); w.terminate(); });
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' }).trim()) as { mb: number; mainBefore: number; mainAfter: number; thread: number };
    assert.equal(out.mb, 150);
    assert.equal(out.mainAfter, out.mainBefore, 'the main thread keeps its limit');
    const MB = 1024 * 1024;
    // the limit V8 reports adds the young generation's spaces to the old space's bound
    assert.ok(out.thread >= 150 * MB && out.thread < 250 * MB, `thread heap limit ${out.thread / MB} MB`);
    assert.ok(out.mainBefore > 250 * MB, 'the main thread was not bounded to begin with');
  });
});
