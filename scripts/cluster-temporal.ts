// The Temporal part of the production topology, as processes of our own: PostgreSQL (Debian's binaries, a
// data directory of its own), Temporal's schemas (deploy/temporal/setup-schema.sh), the four Temporal
// services as separate processes from one configuration, the namespace and our search attributes
// (deploy/temporal/setup-namespace.sh). Used by `npm run cluster`, the cluster drills and the TLS test.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../temporal/client';
import { loadConfig } from '../config';
import { portOpen, type ProcessSpec, type Supervisor } from './supervisor';
import {
  ROOT,
  TEMPORAL_SERVICES,
  TOOL,
  TOOLS_BIN,
  temporalClientEnv,
  temporalServiceArgs,
  temporalServiceEnv,
  type ClusterPorts,
  type ClusterTls,
  type PostgresAccess,
  type TemporalService,
} from './cluster-topology';

function need(file: string, how: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${how}`);
  return file;
}

const PROVISION = 'run `bash scripts/cluster-provision.sh` (npm run cluster does)';

/** Runs a setup script to its end (bounded), failing with its output. */
export async function runScript(file: string, env: Record<string, string>, timeoutMs = 180_000): Promise<string> {
  const child = spawn('sh', [file], { env: { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH}`, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${path.relative(ROOT, file)} failed (${code ?? 'killed after ' + timeoutMs / 1000 + ' s'}):\n${out.slice(-3000)}`);
  return out;
}

/**
 * PostgreSQL in `dir` (initialised on first use, as the `postgres` user when we are root), listening on
 * 127.0.0.1 only, TCP only, password authentication; the superuser is `temporal`, as in docker-compose.yml.
 */
export async function startPostgres(sup: Supervisor, dir: string, port: number): Promise<PostgresAccess> {
  const bin = (name: string) => need(path.join(TOOL.pgBin, name), `install Debian's postgresql-15 (${PROVISION}) or set PG_BIN`);
  const asRoot = process.getuid?.() === 0;
  const data = path.join(dir, 'data');
  const pwFile = path.join(dir, 'password');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(pwFile, 'utf8').trim();
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim() || NaN);
  const run = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', bin(cmd), ...args]] : [bin(cmd), args]);
  if (!existsSync(path.join(data, 'PG_VERSION'))) {
    if (asRoot) {
      const [uid, gid] = [id('-u'), id('-g')];
      if (!Number.isInteger(uid)) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
      chownSync(dir, uid, gid);
      chownSync(pwFile, uid, gid);
      if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-r', pwFile]).status !== 0) throw new Error(`the postgres user cannot reach ${dir}: make its parent directories traversable`);
    }
    const r = spawnSync(...run('initdb', ['-D', data, '-U', 'temporal', `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync']), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`initdb -D ${data} failed: ${r.stderr || r.stdout}`);
  }
  const [cmd, args] = run('postgres', ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'shared_buffers=256MB', '-c', 'synchronous_commit=on']);
  const access: PostgresAccess = { host: '127.0.0.1', port, user: 'temporal', password };
  await sup.start({ name: 'postgresql', cmd, args, ready: () => pgReady(access), readyTimeoutMs: 60_000 });
  return access;
}

function pgEnv(pg: PostgresAccess): NodeJS.ProcessEnv {
  return { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, PGDATABASE: 'postgres' };
}

async function pgReady(pg: PostgresAccess): Promise<boolean> {
  return spawnSync(path.join(TOOL.pgBin, 'pg_isready'), ['-h', pg.host, '-p', String(pg.port)], { stdio: 'ignore' }).status === 0;
}

/** Creates a database when it is not there yet (FerretDB's). */
export function ensureDatabase(pg: PostgresAccess, name: string): void {
  const exists = spawnSync(path.join(TOOL.pgBin, 'psql'), ['-tAc', `SELECT 1 FROM pg_database WHERE datname = '${name}'`], { env: pgEnv(pg), encoding: 'utf8' });
  if (exists.status !== 0) throw new Error(`psql on ${pg.host}:${pg.port} failed: ${exists.stderr}`);
  if (exists.stdout.trim() === '1') return;
  const r = spawnSync(path.join(TOOL.pgBin, 'createdb'), [name], { env: pgEnv(pg), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
}

/** Temporal's default and visibility databases and schemas, created or upgraded (the docker-compose script). */
export async function setupTemporalSchemas(pg: PostgresAccess): Promise<void> {
  need(TOOL.sql, PROVISION);
  need(TOOL.schemaDir, PROVISION);
  await runScript(path.join(ROOT, 'deploy/temporal/setup-schema.sh'), {
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PWD: pg.password,
    TEMPORAL_SCHEMA_DIR: TOOL.schemaDir,
  });
}

export function temporalServiceSpec(service: TemporalService, ports: ClusterPorts, pg: PostgresAccess, tls?: ClusterTls): ProcessSpec {
  return {
    name: `temporal-${service}`,
    cmd: need(TOOL.server, PROVISION),
    args: temporalServiceArgs(service),
    env: temporalServiceEnv(service, ports, pg, tls),
    // the worker service serves no gRPC of its own: it is up once it has joined the membership ring
    ready: () => portOpen(service === 'worker' ? ports.services.worker.membership : ports.services[service].grpc),
    readyTimeoutMs: 90_000,
  };
}

/** Answers once the frontend serves requests (through TLS when the cluster has it). */
export async function frontendReady(ports: ClusterPorts, tls?: ClusterTls): Promise<boolean> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(loadConfig(temporalClientEnv(ports, tls))), connectTimeout: 2000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** Starts a process; a failure carries the end of its log (tests and drills remove their logs afterwards). */
export async function startLogged(sup: Supervisor, spec: ProcessSpec): Promise<void> {
  try {
    await sup.start(spec);
  } catch (e) {
    const log = path.join(sup.logDir, `${spec.name}.log`);
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`${(e as Error).message}\n${tail}`);
  }
}

/** The four services, history first; resolves when the frontend answers. */
export async function startTemporalServices(sup: Supervisor, ports: ClusterPorts, pg: PostgresAccess, tls?: ClusterTls): Promise<void> {
  const [first, ...rest] = TEMPORAL_SERVICES;
  await startLogged(sup, temporalServiceSpec(first, ports, pg, tls));
  await Promise.all(rest.map((s) => startLogged(sup, temporalServiceSpec(s, ports, pg, tls))));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await frontendReady(ports, tls).catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the Temporal frontend did not answer on 127.0.0.1:${ports.services.frontend.grpc} within 90 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The namespace and our search attributes (the docker-compose script, with the CLI and the same TLS settings). */
export async function setupNamespace(ports: ClusterPorts, namespace: string, tls?: ClusterTls): Promise<void> {
  need(TOOL.cli, 'run `bash scripts/provision.sh`');
  await runScript(path.join(ROOT, 'deploy/temporal/setup-namespace.sh'), { ...temporalClientEnv(ports, tls), TEMPORAL_NAMESPACE: namespace }, 120_000);
}
