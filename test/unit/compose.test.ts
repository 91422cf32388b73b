// docker-compose.yml as far as this machine allows (no Docker engine): `docker compose config` when the
// client can parse offline, and always a structural check of the parsed file against the code it runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema, loadConfig } from '../../config';
import { exportedMetricNames } from '../helpers/metric-names';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ROOT, startTemporal, TOOLS_BIN } from '../helpers/stack';
import { clusterPorts, DYNAMIC_CONFIG_FILE, HISTORY_SHARDS, SERVER_CONFIG, TEMPORAL_SERVER_VERSION, TEMPORAL_SERVICES, TEMPORAL_UI_VERSION, TOOL, UI_SETTING_ENV, temporalServiceEnv } from '../../scripts/cluster-topology';

interface Service {
  image?: string;
  entrypoint?: string[];
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const file = path.join(ROOT, 'docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
/** Variables the app reads that config/index.ts does not list yet (read locally with defaults). */
const LOCAL_VARS = ['SERVICE_NAME', 'METRICS_HOST', 'RATE_LIMIT_PER_MINUTE'];
/** Local-mode only: the data folder, the sandbox emulators' base URLs, and the API's own listen address (set on api alone). */
const NOT_IN_CONTAINERS = ['DATA_DIR', 'TWILIO_API_BASE_URL', 'ELEVENLABS_BASE_URL', 'API_HOST', 'API_PORT'];

/** Compose interpolation: `${X:-default}` → default (as with an empty environment), `$$` → `$`. */
const interpolate = (v: string) => v.replace(/\$\{(\w+):-([^}]*)\}/g, '$2').replace(/\$\$/g, '$');
const deps = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

describe('docker-compose.yml', () => {
  it('passes `docker compose config` where the client can run it', function () {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status !== 0) {
      // No compose plugin here: recorded, and the structural checks below are the validation.
      process.stdout.write(`      (docker compose unavailable: ${(probe.stderr || probe.stdout).trim().split('\n')[0]})\n`);
      this.skip();
    }
    const r = spawnSync('docker', ['compose', '-f', file, 'config', '--quiet'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PAYLOAD_KEYS: 'k1:x' } });
    assert.equal(r.status, 0, r.stderr);
  });

  it('has the production-like services on official images, and ours built from the Dockerfile', () => {
    const images = Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.image ?? '']));
    assert.match(images.postgresql, /^postgres:/);
    // the versions the local cluster builds (scripts/cluster-topology.ts)
    for (const s of TEMPORAL_SERVICES) assert.equal(images[`temporal-${s}`], `temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(images['temporal-schema'], `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(images['temporal-ui'], `temporalio/ui:${TEMPORAL_UI_VERSION}`);
    assert.match(images.mongodb, /^mongo:7/);
    assert.match(images.prometheus, /^prom\/prometheus:/);
    assert.match(images.grafana, /^grafana\/grafana:/);
    for (const app of ['api', 'worker', 'extraction', 'inbox-monitor']) {
      assert.equal(services[app].build?.dockerfile, 'Dockerfile', app);
      const cmd = services[app].command as string[];
      assert.deepEqual(cmd.slice(0, 3), ['node', '--import', 'tsx'], app);
      assert.ok(existsSync(path.join(ROOT, cmd[3])), `${app} runs ${cmd[3]}, which does not exist`);
    }
    assert.equal(services['temporal-history'].environment?.POSTGRES_SEEDS, 'postgresql');
  });

  it('has a dependency graph without unknown services or cycles', () => {
    for (const [name, s] of Object.entries(services)) for (const d of deps(s)) assert.ok(services[d], `${name} depends on unknown ${d}`);
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string) => {
      assert.ok(!visiting.has(n), `dependency cycle through ${n}`);
      if (done.has(n)) return;
      visiting.add(n);
      deps(services[n]).forEach(visit);
      visiting.delete(n);
      done.add(n);
    };
    Object.keys(services).forEach(visit);
    assert.ok(deps(services.api).includes('mongodb') && deps(services.api).includes('temporal-setup'));
    assert.ok(deps(services['temporal-history']).includes('temporal-schema') && deps(services['temporal-schema']).includes('postgresql'));
    for (const s of ['matching', 'frontend']) assert.ok(deps(services[`temporal-${s}`]).includes('temporal-history'), `${s} starts before history`);
  });

  it('publishes each host port once, the API on API_PORT', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => String(p).split(':')[0]));
    assert.equal(new Set(hostPorts).size, hostPorts.length, `duplicate host ports: ${hostPorts}`);
    assert.ok(services.api.ports?.includes(`${services.api.environment?.API_PORT}:${services.api.environment?.API_PORT}`));
  });

  it('gives the app services the same variables as local mode, complete enough to start in live mode', () => {
    const known = new Set([...Object.keys(ConfigSchema.shape), ...LOCAL_VARS]);
    for (const app of ['api', 'worker', 'extraction', 'inbox-monitor']) {
      const env = services[app].environment ?? {};
      for (const k of Object.keys(env)) assert.ok(known.has(k), `${app} sets ${k}, which the app does not read`);
      // …and every variable the app reads is there (set, defaulted or passed through), so nothing is lost in containers.
      for (const k of Object.keys(ConfigSchema.shape)) if (!NOT_IN_CONTAINERS.includes(k)) assert.ok(k in env, `${app} does not pass ${k}`);
      // Secrets pass through from the environment; none is written into the file.
      for (const secret of ['TWILIO_AUTH_TOKEN', 'ELEVENLABS_API_KEY', 'ELEVENLABS_WEBHOOK_SECRET', 'SMTP_PASS', 'IMAP_PASS', 'PAYLOAD_KEYS', 'MAIL_TOKEN_SECRET', 'MAIL_DKIM_PRIVATE_KEY']) {
        assert.ok(secret in env && env[secret] === null, `${app}: ${secret} must be a pass-through`);
      }
      const resolved: Record<string, string> = {};
      for (const [k, v] of Object.entries(env)) if (v !== null) resolved[k] = interpolate(String(v));
      const secrets = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM_NUMBER: '+15550100', ELEVENLABS_API_KEY: 'k', ELEVENLABS_AGENT_ID: 'a', ELEVENLABS_WEBHOOK_SECRET: 's', PUBLIC_BASE_URL: 'https://folio.example', PAYLOAD_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`, DOCUMENTAI_PROCESSOR: 'projects/p/locations/eu/processors/x', MAIL_TOKEN_SECRET: 'mail-token-secret' };
      const config = loadConfig({ ...resolved, ...secrets });
      assert.equal(config.MODE, 'live');
      assert.equal(config.TEMPORAL_ADDRESS, 'temporal-frontend:7233');
      assert.equal(config.MONGODB_URI, 'mongodb://mongodb:27017/');
    }
    assert.equal(services.api.environment?.API_HOST, '0.0.0.0');
  });

  it('registers every search attribute the workflows use', () => {
    const mount = services['temporal-setup'].volumes!.find((v) => v.includes('setup-namespace.sh'))!;
    const script = readFileSync(path.join(ROOT, mount.split(':')[0]), 'utf8');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) assert.ok(script.includes(`${name}=${type}`), `${name}=${type} not registered`);
  });

  it('mounts only files that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0];
        if (source.startsWith('./')) assert.ok(existsSync(path.join(ROOT, source)), `${name} mounts missing ${source}`);
        else assert.ok(source in (compose.volumes ?? {}), `${name} uses undeclared volume ${source}`);
      }
    }
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'the Dockerfile is not multi-stage');
    for (const m of dockerfile.matchAll(/^COPY --from=build \/app\/(\S+)/gm)) assert.ok(existsSync(path.join(ROOT, m[1])), `Dockerfile copies missing ${m[1]}`);
  });

  it('scrapes services that exist, on the ports they serve metrics on', () => {
    type Job = { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] };
    const prom = parse(readFileSync(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: Job[] };
    // a static target, or every container of a service by its name (the replicas of a scaled service)
    const targetsOf = (j: Job) => [...(j.static_configs ?? []).flatMap((c) => c.targets), ...(j.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => `${n}:${d.port}`))];
    const targets = prom.scrape_configs.flatMap(targetsOf);
    for (const t of targets) assert.ok(services[t.split(':')[0]], `prometheus scrapes unknown ${t}`);
    const job = (name: string) => targetsOf(prom.scrape_configs.find((j) => j.job_name === name)!);
    const api = services.api.environment!;
    const worker = services.worker.environment!;
    assert.deepEqual(job('folio-api'), [`api:${api.API_OPS_PORT}`]);
    assert.deepEqual(job('folio-worker'), [`worker:${worker.METRICS_PORT}`]);
    assert.deepEqual(job('folio-worker-ops'), [`worker:${worker.WORKER_OPS_PORT}`]);
    assert.notEqual(worker.WORKER_OPS_PORT, worker.METRICS_PORT);
    const extraction = services.extraction.environment!;
    assert.deepEqual(job('folio-extraction'), [`extraction:${extraction.EXTRACTION_METRICS_PORT}`]);
    assert.deepEqual(job('folio-extraction-ops'), [`extraction:${extraction.EXTRACTION_OPS_PORT}`]);
    assert.equal(extraction.EXTRACTION_OPS_HOST, '0.0.0.0', 'Prometheus on the compose network cannot reach the extraction service');
    for (const [name, port] of [['api', api.API_OPS_PORT], ['worker', worker.WORKER_OPS_PORT], ['extraction', extraction.EXTRACTION_OPS_PORT]] as const) {
      assert.ok(!services[name].ports?.some((p) => String(p).includes(String(port))), `the ${name}'s operations port is published`);
      assert.ok(services[name].healthcheck?.test.join(' ').includes(`127.0.0.1:${port}/health/ready`), `the ${name}'s health check does not ask its readiness`);
    }
    assert.equal(worker.WORKER_OPS_HOST, '0.0.0.0', 'Prometheus on the compose network cannot reach the worker');
    for (const s of TEMPORAL_SERVICES) {
      const env = { ...services[`temporal-${s}`].environment };
      assert.ok(targets.includes(`temporal-${s}:${env.TEMPORAL_METRICS_PORT}`), `temporal-${s} is not scraped`);
      assert.equal(env.TEMPORAL_METRICS_HOST, '0.0.0.0');
    }
    const mount = services.prometheus.volumes!.find((v) => v.startsWith('./deploy/prometheus:'))!;
    for (const f of prom.rule_files) assert.ok(existsSync(path.join(ROOT, mount.split(':')[0], f)), `rule file ${f} is not in the mounted folder`);
  });

  it('runs each Temporal service from the configuration file the local cluster runs, with the same values', function () {
    this.timeout(30_000);
    const template = readFileSync(path.join(SERVER_CONFIG.root, SERVER_CONFIG.dir, `${SERVER_CONFIG.env}.yaml`), 'utf8');
    const read = new Set([...template.matchAll(/env "(\w+)"/g)].map((m) => m[1]!));
    const [mountSource, mountTarget] = services['temporal-history'].volumes![0]!.split(':');
    assert.equal(path.join(ROOT, mountSource!), SERVER_CONFIG.root, 'the compose services mount another configuration folder');
    const composeEnv = (s: string) => Object.fromEntries(Object.entries(services[`temporal-${s}`].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
    const pg = { host: '127.0.0.1', port: 5432, user: 'temporal', password: 'temporal' };
    const render = (env: Record<string, string>) => {
      const r = spawnSync(TOOL.server, ['--config', path.join(SERVER_CONFIG.root, SERVER_CONFIG.dir), '--env', SERVER_CONFIG.env, 'render-config'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return parse(r.stdout.slice(r.stdout.indexOf('archival:'))) as { persistence: { numHistoryShards: number; datastores: Record<string, { sql: { pluginName: string; databaseName: string } }> }; services: Record<string, { rpc: { grpcPort: number; membershipPort: number } }>; dynamicConfigClient: { filepath: string } };
    };
    for (const s of TEMPORAL_SERVICES) {
      const env = composeEnv(s);
      assert.equal(env.TEMPORAL_SERVICE, s);
      const entry = services[`temporal-${s}`].entrypoint!.join(' ');
      assert.ok(entry.includes(`--root ${mountTarget} --config ${SERVER_CONFIG.dir} --env ${SERVER_CONFIG.env}`) && entry.includes('--service $$TEMPORAL_SERVICE'), entry);
      for (const k of Object.keys(env)) assert.ok(k === 'TEMPORAL_SERVICE' || read.has(k), `temporal-${s} sets ${k}, which the configuration does not read`);
      const local = temporalServiceEnv(s, clusterPorts(0), pg);
      for (const k of Object.keys(local)) assert.ok(read.has(k), `the local cluster sets ${k}, which the configuration does not read`);
      // the same file rendered with each environment: the same shards, stores, ports and dynamic config
      const fromCompose = render(env);
      const fromCluster = render(local);
      assert.equal(fromCompose.persistence.numHistoryShards, HISTORY_SHARDS);
      assert.equal(fromCluster.persistence.numHistoryShards, HISTORY_SHARDS);
      // the same stores, connection pools and plugin, only the database's host differs (a container name, loopback)
      const stores = (c: typeof fromCompose) => JSON.parse(JSON.stringify(c.persistence.datastores, (k, v: unknown) => (k === 'connectAddr' ? String(v).split(':')[1] : v))) as unknown;
      assert.deepEqual(stores(fromCompose), stores(fromCluster));
      for (const name of Object.keys(fromCluster.services)) assert.deepEqual(fromCompose.services[name]!.rpc.grpcPort, fromCluster.services[name]!.rpc.grpcPort, name);
      assert.equal(path.basename(fromCompose.dynamicConfigClient.filepath), path.basename(DYNAMIC_CONFIG_FILE));
      assert.equal(path.dirname(fromCompose.dynamicConfigClient.filepath), mountTarget, 'the dynamic config is not the mounted file');
    }
    // the Web UI image reads the settings the local cluster writes into the UI server's file
    const ui = services['temporal-ui'].environment ?? {};
    for (const [setting, variable] of Object.entries(UI_SETTING_ENV)) if (setting !== 'tls') assert.ok(variable in ui, `temporal-ui does not set ${variable}`);
  });

  it('provisions Grafana dashboards whose queries use metrics we export', async () => {
    const dir = path.join(ROOT, 'deploy/grafana/dashboards');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    const names = await exportedMetricNames();
    for (const f of files) {
      const dash = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] };
      assert.ok(dash.uid && dash.panels.length > 0);
      for (const p of dash.panels) {
        for (const t of p.targets) {
          for (const m of t.expr.matchAll(/\b(folio_[a-z_]+)/g)) {
            const base = m[1].replace(/_(bucket|sum|count)$/, '');
            assert.ok(names.has(base), `panel "${p.title}" queries ${m[1]}, which is not exported`);
          }
        }
      }
    }
    const provisioning = parse(readFileSync(path.join(ROOT, 'deploy/grafana/provisioning/dashboards/folio.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    assert.ok(services.grafana.volumes?.some((v) => v.endsWith(`:${provisioning.providers[0].options.path}:ro`)));
  });

  it('has setup scripts that parse, and a namespace script that works against a real Temporal server', async function () {
    this.timeout(60_000);
    for (const f of ['setup-schema.sh', 'setup-namespace.sh']) {
      const r = spawnSync('sh', ['-n', path.join(ROOT, 'deploy/temporal', f)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
    const env = await startTemporal();
    const namespace = `compose-check-${process.pid}`;
    const run = () => spawnSync('sh', [path.join(ROOT, 'deploy/temporal/setup-namespace.sh')], { encoding: 'utf8', timeout: 40_000, env: { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH}`, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace } });
    const first = run();
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.equal(run().status, 0, 'the script is not idempotent');
    const list = spawnSync(path.join(TOOLS_BIN, 'temporal'), ['operator', 'search-attribute', 'list', '-n', namespace, '--address', env.address], { encoding: 'utf8', timeout: 20_000 });
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) assert.match(list.stdout, new RegExp(`\\b${name}\\b`));
  });
});
