// The workflow code bundle, built outside the worker process: webpack's compilation takes ~150 MB of heap that a
// long-running worker would otherwise keep (V8 rarely hands it back), so the worker loads a finished bundle.
// Either one built ahead (WORKFLOW_BUNDLE_PATH, e.g. `npm run bundle` in an image build) or one this module builds
// at start in a short-lived child process of its own:
//   node --import tsx workers/workflow-bundle.ts --out <file> [--tracing]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

/**
 * Modules loaded once per worker and shared by every workflow it keeps in memory, instead of evaluated again for each
 * one (the SDK's reusable context gives each workflow its own copy of every other module). Only modules without state
 * of their own belong here: the pure rules of `domain/` (plain functions over their arguments, constant tables), and
 * with them luxon, which they import (its caches hold formatters, never a workflow's values; named here itself, it
 * would be dropped as an unused import of a side-effect-free package). Shared modules' exports are frozen.
 */
export const SHARED_WORKFLOW_MODULES = ['asks', 'batching', 'business-hours', 'calendar', 'call-events', 'call-timing', 'callbacks', 'chase-policy', 'model', 'names', 'next-steps', 'operator-view', 'projection', 'retention', 'validation'].map((m) =>
  require.resolve(`../domain/${m}`),
);

/** What the bundle is built from: our workflows, their failure converter, the shared modules, and the tracing interceptors when traced. */
export function bundleInputs(tracing: boolean): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath' | 'workflowInterceptorModules' | 'preloadModules'> {
  return {
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    preloadModules: SHARED_WORKFLOW_MODULES,
    ...(tracing && { workflowInterceptorModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] }),
  };
}

/** Builds the bundle in this process and writes it to `out` (atomically: a reader never sees half a file). */
export async function writeBundle(out: string, tracing: boolean): Promise<void> {
  // loaded here only: the worker process never needs webpack
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ ...bundleInputs(tracing), logger: quietBundlerLogger });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, `${header(tracing)}\n${code}`);
  renameSync(`${out}.tmp`, out);
}

/** The bundle's first line: whether it carries the tracing interceptors (a traced worker needs them, an untraced one must not). */
const header = (tracing: boolean) => `// folio workflow bundle; tracing=${tracing ? 'on' : 'off'}`;

const quiet = () => undefined;
const quietBundlerLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

export interface BundleSource {
  /** a bundle built ahead of time; used as it is when given */
  prebuiltPath?: string;
  /** where a bundle built at start is written */
  dir: string;
  tracing: boolean;
  timeoutMs?: number;
}

/**
 * The bundle's file for a worker: the prebuilt one when configured (an error naming it when missing), otherwise one
 * built now in a child process (same Node options as this one, so the TypeScript loader carries over).
 */
export async function workflowBundlePath(source: BundleSource): Promise<string> {
  if (source.prebuiltPath) {
    if (!existsSync(source.prebuiltPath)) throw new Error(`WORKFLOW_BUNDLE_PATH: no bundle at ${source.prebuiltPath} (build one with npm run bundle, or leave it empty to build at start)`);
    const first = readFileSync(source.prebuiltPath, 'utf8').slice(0, 200).split('\n', 1)[0];
    if (first !== header(source.tracing)) {
      throw new Error(`WORKFLOW_BUNDLE_PATH: ${source.prebuiltPath} is not a bundle for this worker (${first.startsWith('// folio workflow bundle') ? `built with ${first.split('; ')[1]}, the worker runs with tracing=${source.tracing ? 'on' : 'off'}: rebuild it${source.tracing ? ' with --tracing' : ' without --tracing'}` : 'not built by npm run bundle'})`);
    }
    return source.prebuiltPath;
  }
  // one file per process: two workers sharing a data directory never read each other's half-written bundle
  const out = path.join(source.dir, `workflow-bundle-${process.pid}${source.tracing ? '-traced' : ''}.js`);
  const args = [...process.execArgv, __filename, '--out', out, ...(source.tracing ? ['--tracing'] : [])];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), source.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && existsSync(out)) resolve();
      else reject(new Error(`building the workflow bundle failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
  return out;
}

/** A short fingerprint of a bundle (logged at start: two workers on one queue should run the same code). */
export function bundleFingerprint(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  if (!out) {
    console.error('usage: workers/workflow-bundle.ts --out <file> [--tracing]');
    process.exit(2);
  }
  writeBundle(path.resolve(out), process.argv.includes('--tracing')).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
