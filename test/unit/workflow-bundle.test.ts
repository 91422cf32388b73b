// The workflow bundle the worker process loads instead of bundling in its own memory: built by a child process (or
// ahead of time, WORKFLOW_BUNDLE_PATH), refused with an error naming the setting when it is missing, not ours, or
// built for the other tracing setting; the pure rules and luxon load once and are shared, frozen, by every workflow.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { SHARED_WORKFLOW_MODULES, workflowBundlePath } from '../../workers/workflow-bundle';
import { tempDir } from '../helpers/stack';

describe('workflow bundle (workers/workflow-bundle.ts)', function () {
  this.timeout(180_000);
  const dir = tempDir('workflow-bundle');
  let built = '';

  before(async () => {
    built = await workflowBundlePath({ dir, tracing: false });
  });

  it('is built by a child process into the given folder, marked with its tracing setting', () => {
    assert.equal(path.dirname(built), dir);
    const code = readFileSync(built, 'utf8');
    assert.equal(code.split('\n', 1)[0], '// folio workflow bundle; tracing=off');
    assert.ok(code.includes('globalThis.__webpack_module_cache__'), 'the reusable context needs the rewritten module cache');
    // it parses as a script, as the worker's loader runs it
    assert.doesNotThrow(() => new vm.Script(code, { filename: built }));
  });

  it('preloads the shared modules (the pure rules, and luxon with them), and only those that never import workflow state', () => {
    const code = readFileSync(built, 'utf8');
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
    // luxon comes with the rules that import it
    assert.ok(readFileSync(require.resolve('../../domain/business-hours'), 'utf8').includes("from 'luxon'"));
    for (const m of SHARED_WORKFLOW_MODULES) {
      assert.ok(preload.includes(`./domain/${path.basename(m)}`), `${path.basename(m)} is not preloaded`);
      // a shared module holding workflow state would leak between workflows: the pure rules import nothing of Temporal's
      const source = readFileSync(m, 'utf8');
      assert.doesNotMatch(source, /from '@temporalio\//, `${m} imports the Temporal SDK`);
      assert.doesNotMatch(source, /^(let|var) /m, `${m} has module-level mutable state`);
    }
  });

  it('uses a prebuilt bundle as it is, and refuses one that is missing, not ours, or built for the other tracing setting', async () => {
    assert.equal(await workflowBundlePath({ prebuiltPath: built, dir, tracing: false }), built);
    await assert.rejects(workflowBundlePath({ prebuiltPath: path.join(dir, 'nope.js'), dir, tracing: false }), /WORKFLOW_BUNDLE_PATH: no bundle at .*nope\.js/);
    await assert.rejects(workflowBundlePath({ prebuiltPath: built, dir, tracing: true }), /WORKFLOW_BUNDLE_PATH: .*built with tracing=off, the worker runs with tracing=on: rebuild it with --tracing/);
    const foreign = path.join(dir, 'foreign.js');
    writeFileSync(foreign, 'module.exports = {};\n');
    await assert.rejects(workflowBundlePath({ prebuiltPath: foreign, dir, tracing: false }), /not built by npm run bundle/);
  });

  it('names the failure when the child process cannot build one', async () => {
    // a folder that is a file: the child cannot write there, and says so
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, '');
    await assert.rejects(workflowBundlePath({ dir: blocked, tracing: false }), /building the workflow bundle failed \(exit 1\): .*(ENOTDIR|EEXIST)/);
  });
});
