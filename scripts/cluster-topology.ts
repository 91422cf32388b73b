// The production topology's values in one place: versions, history shards, the processes and their ports,
// and the environment each Temporal service process gets. `npm run cluster`, the cluster drills and the TLS
// test read them; test/unit/compose.test.ts checks that docker-compose.yml uses the same ones.
import path from 'node:path';
import { createServer } from 'node:net';
import { freePort } from '../sandbox/net';

export const ROOT = path.resolve(__dirname, '..');
export const TOOLS_BIN = path.join(ROOT, '.tools', 'bin');

export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';
export const POSTGRES_MAJOR = 15;
/** A few shards: enough to spread workflows over history's shard owners, small enough for one machine. */
export const HISTORY_SHARDS = 4;
/** Start order: history first (on an empty database several services at once race on cluster metadata). */
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** The server's configuration (a template over the environment) and its dynamic config, shared with docker-compose.yml. */
export const SERVER_CONFIG = { root: path.join(ROOT, 'deploy', 'temporal'), dir: 'config', env: 'cluster' } as const;
export const DYNAMIC_CONFIG_FILE = path.join(ROOT, 'deploy', 'temporal', 'dynamicconfig.yaml');
/**
 * The Web UI server's settings and the variables the temporalio/ui image of docker-compose.yml reads for
 * them (its config file is rendered from these in the image; the UI server itself reads only a file).
 */
export interface UiSettings {
  temporalGrpcAddress: string;
  port: number;
  codecEndpoint: string;
  corsOrigins: string[];
  tls?: { caFile: string; certFile: string; keyFile: string; serverName: string };
}
export const UI_SETTING_ENV: Record<keyof UiSettings, string> = {
  temporalGrpcAddress: 'TEMPORAL_ADDRESS',
  port: 'TEMPORAL_UI_PORT',
  codecEndpoint: 'TEMPORAL_CODEC_ENDPOINT',
  corsOrigins: 'TEMPORAL_CORS_ORIGINS',
  tls: 'TEMPORAL_TLS_CA',
};

/** The UI server's configuration file (YAML is a superset of JSON), listening on loopback. */
export function uiConfigFile(s: UiSettings): string {
  return JSON.stringify(
    {
      host: '127.0.0.1',
      port: s.port,
      temporalGrpcAddress: s.temporalGrpcAddress,
      enableUi: true,
      defaultNamespace: 'default',
      notifyOnNewVersion: false,
      cors: { cookieInsecure: true, allowOrigins: s.corsOrigins },
      ...(s.tls ? { tls: { ...s.tls, enableHostVerification: true } } : {}),
      codec: { endpoint: s.codecEndpoint },
    },
    null,
    2,
  );
}
/** Prometheus's rule files (alerts, pipeline figures and costs), loaded by docker-compose's Prometheus and the cluster's. */
export const PROMETHEUS_DIR = path.join(ROOT, 'deploy', 'prometheus');
export const RULE_FILES = ['alerts.yml', 'costs.yml'] as const;

export const TOOL = {
  server: path.join(TOOLS_BIN, 'temporal-server'),
  sql: path.join(TOOLS_BIN, 'temporal-sql-tool'),
  ui: path.join(TOOLS_BIN, 'temporal-ui-server'),
  cli: path.join(TOOLS_BIN, 'temporal'),
  ferretdb: path.join(TOOLS_BIN, 'ferretdb'),
  schemaDir: path.join(ROOT, '.tools', 'cluster', `temporal-${TEMPORAL_SERVER_VERSION}`, 'schema'),
  pgBin: process.env.PG_BIN ?? `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`,
  prometheus: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
};

export interface ServicePorts {
  grpc: number;
  membership: number;
  metrics: number;
}

export interface ClusterPorts {
  postgres: number;
  frontendHttp: number;
  services: Record<TemporalService, ServicePorts>;
  ui: number;
  mongo: number;
  /** The one port the API answers on (a round-robin balancer in front of the API processes). */
  api: number;
  /** Each API process's own port. */
  apiProcesses: number[];
  /** Each API process's operations port (metrics, readiness). */
  apiOps: number[];
  /** Each worker process's SDK metrics port. */
  workerMetrics: number[];
  /** Each worker process's operations port (its own metrics, readiness). */
  workerOps: number[];
  /** The extraction process's SDK metrics port and operations port. */
  extractionMetrics: number;
  extractionOps: number;
  prometheus: number;
  sandboxTwilio: number;
  sandboxElevenLabs: number;
  smtp: number;
  imap: number;
}

/**
 * The well-known ports (Temporal's own defaults, so the CLI and the UI need no flags), all moved by
 * `offset` to run beside another stack on the same machine. PostgreSQL gets a port of its own (15432), not 5432.
 */
export function clusterPorts(offset = 0, counts = { apis: 2, workers: 3 }): ClusterPorts {
  if (6939 + offset > MAX_MEMBERSHIP_PORT) throw new Error(`port offset ${offset} moves Temporal's membership ports past ${MAX_MEMBERSHIP_PORT}`);
  const p = (n: number) => n + offset;
  return {
    postgres: p(15432),
    frontendHttp: p(7243),
    services: {
      frontend: { grpc: p(7233), membership: p(6933), metrics: p(8000) },
      history: { grpc: p(7234), membership: p(6934), metrics: p(8001) },
      matching: { grpc: p(7235), membership: p(6935), metrics: p(8002) },
      worker: { grpc: p(7239), membership: p(6939), metrics: p(8003) },
    },
    ui: p(8233),
    mongo: p(27017),
    api: p(8080),
    apiProcesses: Array.from({ length: counts.apis }, (_, i) => p(8081 + i)),
    apiOps: Array.from({ length: counts.apis }, (_, i) => p(9474 + i)),
    workerMetrics: Array.from({ length: counts.workers }, (_, i) => p(9464 + i)),
    workerOps: Array.from({ length: counts.workers }, (_, i) => p(9484 + i)),
    extractionMetrics: p(9494),
    extractionOps: p(9495),
    prometheus: p(9090),
    sandboxTwilio: p(8931),
    sandboxElevenLabs: p(8932),
    smtp: p(2525),
    imap: p(1143),
  };
}

/** Temporal keeps membership ports in a smallint column: they must stay below 32768 (kernel-chosen ports do not). */
const MAX_MEMBERSHIP_PORT = 32767;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free loopback port below 32768, tried at random from 20000 up. */
export async function freeMembershipPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 20000));
    if (await canListen(port)) return port;
  }
  throw new Error('no free port below 32768 for Temporal membership');
}

/** Ports the kernel has just handed out, for clusters started by tests and drills beside anything else running. */
export async function freeClusterPorts(counts = { apis: 2, workers: 3 }): Promise<ClusterPorts> {
  const ports = clusterPorts(0, counts);
  const fresh = async <T>(value: T, key = ''): Promise<T> => {
    if (typeof value === 'number') return (await (key === 'membership' ? freeMembershipPort() : freePort())) as T;
    if (Array.isArray(value)) return (await Promise.all(value.map((v: unknown) => fresh(v)))) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = await fresh(v, k);
    return out as T;
  };
  return fresh(ports);
}

/** Certificate files for a cluster with TLS on (see scripts/cluster-certs.ts). */
export interface ClusterTls {
  ca: string;
  /** Server and client certificate between services (mutual TLS). */
  internode: { cert: string; key: string };
  /** What the frontend presents to clients. */
  frontend: { cert: string; key: string };
  /** The server's system worker as a client of the frontend. */
  systemWorker: { cert: string; key: string };
  /** Our processes (API, workers, inbox monitor, scripts) as clients of the frontend. */
  client: { cert: string; key: string };
  serverName: string;
}

export interface PostgresAccess {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The environment one Temporal service process reads its configuration from (deploy/temporal/config/cluster.yaml). */
export function temporalServiceEnv(service: TemporalService, ports: ClusterPorts, pg: PostgresAccess, tls?: ClusterTls): Record<string, string> {
  const env: Record<string, string> = {
    NUM_HISTORY_SHARDS: String(HISTORY_SHARDS),
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PWD: pg.password,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_FRONTEND_HOST: '127.0.0.1',
    TEMPORAL_METRICS_HOST: '127.0.0.1',
    TEMPORAL_METRICS_PORT: String(ports.services[service].metrics),
    TEMPORAL_DYNAMIC_CONFIG_FILE: DYNAMIC_CONFIG_FILE,
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
  };
  for (const s of TEMPORAL_SERVICES) {
    env[`${s.toUpperCase()}_GRPC_PORT`] = String(ports.services[s].grpc);
    env[`${s.toUpperCase()}_MEMBERSHIP_PORT`] = String(ports.services[s].membership);
  }
  if (tls) {
    Object.assign(env, {
      TEMPORAL_TLS_CA: tls.ca,
      TEMPORAL_TLS_INTERNODE_CERT: tls.internode.cert,
      TEMPORAL_TLS_INTERNODE_KEY: tls.internode.key,
      TEMPORAL_TLS_FRONTEND_CERT: tls.frontend.cert,
      TEMPORAL_TLS_FRONTEND_KEY: tls.frontend.key,
      TEMPORAL_TLS_WORKER_CERT: tls.systemWorker.cert,
      TEMPORAL_TLS_WORKER_KEY: tls.systemWorker.key,
      TEMPORAL_TLS_SERVER_NAME: tls.serverName,
      TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
    });
  }
  return env;
}

/** The Temporal connection settings our processes (and the CLI) read, for a cluster with or without TLS. */
export function temporalClientEnv(ports: ClusterPorts, tls?: ClusterTls): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.services.frontend.grpc}`,
    ...(tls
      ? {
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.ca,
          TEMPORAL_TLS_CLIENT_CERT_PATH: tls.client.cert,
          TEMPORAL_TLS_CLIENT_KEY_PATH: tls.client.key,
          TEMPORAL_TLS_SERVER_NAME: tls.serverName,
        }
      : {}),
  };
}

/** The arguments that start one Temporal service process from the shared configuration. */
export function temporalServiceArgs(service: TemporalService): string[] {
  return ['--root', SERVER_CONFIG.root, '--config', SERVER_CONFIG.dir, '--env', SERVER_CONFIG.env, '--allow-no-auth', 'start', '--service', service];
}
