// The API as its own process (`node --import tsx api/server.ts`), for tests and drills that kill it: started
// from an environment, ready when /health/live answers, killed by its pid with the signal the test names.
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { ROOT, startProcess } from './stack';

export interface ApiProcess {
  url: string;
  pid: number;
  /** The process's recent output (JSON log lines). */
  log(): string;
  /** Sends the signal and waits until the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startApiProcess(env: Record<string, string>, port: number): Promise<ApiProcess> {
  const child: ChildProcess = startProcess(process.execPath, ['--import', 'tsx', 'api/server.ts'], { cwd: ROOT, env: { ...env, API_HOST: '127.0.0.1', API_PORT: String(port) } });
  let out = '';
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await fetch(`${url}/health/live`).catch(() => undefined))?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the API process did not start on ${url}:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    log: () => out,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
