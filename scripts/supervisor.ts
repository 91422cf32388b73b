// Starts the stack's processes in order, waits for each to be ready, writes their logs under
// .data/logs/, and stops them all (reverse order, SIGTERM then SIGKILL) on Ctrl-C or when one dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

export interface ProcessSpec {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process is ready to serve. */
  ready?: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

export class Supervisor {
  private readonly children: { spec: ProcessSpec; child: ChildProcess; expected?: boolean }[] = [];
  private stopping = false;
  private readonly exited: Promise<string>;
  private resolveExit!: (why: string) => void;

  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  async start(spec: ProcessSpec): Promise<void> {
    const log = createWriteStream(path.join(this.logDir, `${spec.name}.log`), { flags: 'a' });
    const child = spawn(spec.cmd, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const entry: { spec: ProcessSpec; child: ChildProcess; expected?: boolean } = { spec, child };
    this.children.push(entry);
    child.once('exit', (code, signal) => {
      if (!this.stopping && !entry.expected) this.resolveExit(`${spec.name} exited (${signal ?? code}); see ${path.join(this.logDir, spec.name + '.log')}`);
    });
    if (!spec.ready) return;
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${spec.name} exited during start-up (code ${child.exitCode}); see ${path.join(this.logDir, spec.name + '.log')}`);
      if (await spec.ready().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${spec.name} was not ready within ${(spec.readyTimeoutMs ?? 60_000) / 1000}s; see ${path.join(this.logDir, spec.name + '.log')}`);
  }

  /** Stops one process on purpose (a fault drill, a scale-down): its exit does not stop the stack. Returns its spec to start it again. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessSpec> {
    const i = this.children.findLastIndex((c) => c.spec.name === name && c.child.exitCode === null && c.child.signalCode === null);
    if (i < 0) throw new Error(`no running process named ${name}`);
    const entry = this.children[i]!;
    entry.expected = true;
    const exited = new Promise((r) => entry.child.once('exit', r));
    entry.child.kill(signal);
    await exited;
    this.children.splice(i, 1);
    return entry.spec;
  }

  /** The process id of a running process, by name. */
  pid(name: string): number | undefined {
    return this.children.findLast((c) => c.spec.name === name && c.child.exitCode === null)?.child.pid;
  }

  /** Resolves with the reason when a child dies unexpectedly. */
  untilExit(): Promise<string> {
    return this.exited;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const { spec, child } of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const gone = await Promise.race([new Promise<boolean>((r) => child.once('exit', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
      if (!gone) {
        process.stderr.write(`${spec.name} did not stop in 20 s; killing it\n`);
        child.kill('SIGKILL');
      }
    }
  }
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return r.ok;
}
