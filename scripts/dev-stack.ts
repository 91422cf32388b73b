// `npm start`: the whole stack on its embedded defaults — Temporal dev server (+ Web UI), a
// MongoDB-wire store (FerretDB on SQLite), the sandbox vendors and hotels, the worker, the inbox
// monitor and the API — then submits the sandbox's demo folio requests. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig, type Config } from '../config';
import { Store } from '../adapters/mongo/store';
import { ApiKeys } from '../api/auth';
import { ensureKeyFile } from './keys';
import { sqliteStoreArgs } from './ferretdb/args';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { httpOk, portOpen, Supervisor, type ProcessSpec } from './supervisor';

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools', 'bin');

/** Embedded-mode settings; anything already in the environment wins. */
export const SANDBOX_ENV: Record<string, string> = {
  MODE: 'sandbox',
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  API_PORT: '8080',
  PUBLIC_BASE_URL: 'http://127.0.0.1:8080',
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'sandbox-twilio-auth-token',
  TWILIO_FROM_NUMBER: '+15005550006',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:8931',
  ELEVENLABS_API_KEY: 'sandbox-elevenlabs-key',
  ELEVENLABS_AGENT_ID: 'sandbox-agent',
  ELEVENLABS_WEBHOOK_SECRET: 'sandbox-elevenlabs-webhook-secret',
  ELEVENLABS_BASE_URL: 'http://127.0.0.1:8932',
  SMTP_PORT: '2525',
  IMAP_PORT: '1143',
  SANDBOX_TWILIO_PORT: '8931',
  SANDBOX_ELEVENLABS_PORT: '8932',
  BATCH_WINDOW_SECONDS: '20',
  // sandbox pace: hotels answer mail within 20 s and calls wrap up after 60 s, so the demo settles in minutes
  SANDBOX_REPLY_DELAY_SECONDS: '20',
  CALL_OVERFLOW_SECONDS: '60',
  // the sandbox desk answers a guest in seconds, not the ~35 s the overflow-derived size assumes
  CALL_MAX_GUESTS: '8',
  CHECKOUT_GRACE_HOURS: '0',
};

/**
 * API keys (hashes in MongoDB, keys in files under keyDir, reused across restarts): the Web UI's codec key
 * (decrypted payloads in the UI), a sandbox client key for the demo, an operator key.
 */
export async function ensureStackKeys(config: Config, keyDir: string): Promise<{ codecKey: string; clientKey: string; operatorKey: string; keyDir: string }> {
  const store = await Store.connect(config.MONGODB_URI, config.MONGODB_DB);
  try {
    await store.ensureIndexes();
    const keys = new ApiKeys(store.apiKeys);
    const codecKey = await ensureKeyFile(keys, path.join(keyDir, 'webui-codec.key'), { clientId: 'dev-webui', role: 'codec', name: 'Temporal Web UI (dev stack)' });
    const clientKey = await ensureKeyFile(keys, path.join(keyDir, 'sandbox-client.key'), { clientId: 'sandbox-client', role: 'client', name: 'sandbox demo client' });
    const operatorKey = await ensureKeyFile(keys, path.join(keyDir, 'operator.key'), { clientId: 'operators', role: 'operator', name: 'dev-stack operator' });
    return { codecKey, clientKey, operatorKey, keyDir };
  } finally {
    await store.close();
  }
}

async function main() {
  const userMongo = !!process.env.MONGODB_URI;
  // documents are read by a process of their own, as in docker-compose (EXTRACTION_TASK_QUEUE= reads them in the worker)
  const env: NodeJS.ProcessEnv = { ...SANDBOX_ENV, EXTRACTION_TASK_QUEUE: 'folio-documents', ...process.env };
  const config = loadConfig(env); // fail fast, naming any bad variable
  const data = path.resolve(ROOT, config.DATA_DIR);
  env.DATA_DIR = data;
  const sup = new Supervisor(path.join(data, 'logs'));
  const node = (name: string, file: string, ready?: ProcessSpec['ready']): ProcessSpec => ({
    name,
    cmd: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, file)],
    env,
    ready,
  });
  const [temporalHost, temporalPort] = config.TEMPORAL_ADDRESS.split(':');
  const uiPort = Number(new URL(config.TEMPORAL_UI_URL).port || 8233);

  const stop = async (why: string) => {
    console.log(`\nstopping (${why}) …`);
    await sup.stopAll();
    console.log('stopped.');
    process.exit(why.startsWith('signal') ? 0 : 1);
  };
  process.once('SIGINT', () => void stop('signal SIGINT'));
  process.once('SIGTERM', () => void stop('signal SIGTERM'));

  try {
    const mongoPort = Number(new URL(config.MONGODB_URI).port || 27017);
    if (userMongo || (await portOpen(mongoPort))) {
      console.log(`MongoDB-compatible store at ${config.MONGODB_URI}; using it`);
    } else {
      console.log('starting FerretDB (SQLite) …');
      await sup.start({
        name: 'ferretdb',
        cmd: path.join(TOOLS, 'ferretdb'),
        args: [...sqliteStoreArgs(path.join(data, 'ferretdb')), `--state-dir=${path.join(data, 'ferretdb')}`, `--listen-addr=127.0.0.1:${mongoPort}`, '--debug-addr=-', '--telemetry=disable', '--log-level=warn'],
        ready: () => portOpen(mongoPort),
      });
    }

    const { codecKey, clientKey, operatorKey, keyDir } = await ensureStackKeys(config, path.join(data, 'keys'));
    env.FOLIO_API_KEY = clientKey;
    const publicBase = (config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.API_PORT}`).replace(/\/+$/, '');

    if (await portOpen(Number(temporalPort), temporalHost)) {
      console.log(`Temporal already listening on ${config.TEMPORAL_ADDRESS}; using it`);
    } else {
      console.log('starting Temporal dev server …');
      await sup.start({
        name: 'temporal',
        cmd: path.join(TOOLS, 'temporal'),
        args: [
          'server', 'start-dev',
          '--ip', '127.0.0.1',
          '--port', temporalPort,
          '--ui-port', String(uiPort),
          '--db-filename', path.join(data, 'temporal.db'),
          '--ui-codec-endpoint', `${publicBase}/codec/${codecKey}`,
          '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
          '--log-level', 'warn',
          ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([k, t]) => ['--search-attribute', `${k}=${t}`]),
        ],
        ready: () => portOpen(Number(temporalPort), temporalHost),
        readyTimeoutMs: 90_000,
      });
    }

    if (config.MODE === 'sandbox') {
      console.log('starting the sandbox (mail system, Twilio and ElevenLabs emulators, simulated hotels) …');
      await sup.start(node('sandbox', 'sandbox/server.ts', () => portOpen(Number(env.SANDBOX_TWILIO_PORT))));
    }
    console.log(`starting worker, ${config.EXTRACTION_TASK_QUEUE ? 'extraction, ' : ''}inbox monitor and API …`);
    await sup.start(node('worker', 'workers/main.ts'));
    if (config.EXTRACTION_TASK_QUEUE) await sup.start(node('extraction', 'workers/extraction.ts', () => httpOk(`http://${config.EXTRACTION_OPS_HOST}:${config.EXTRACTION_OPS_PORT}/health/live`)));
    await sup.start(node('inbox-monitor', 'workers/inbox-monitor.ts'));
    await sup.start(node('api', 'api/server.ts', () => httpOk(`http://127.0.0.1:${config.API_PORT}/health/live`)));

    console.log(`
  API           http://127.0.0.1:${config.API_PORT}/v1   (docs: http://127.0.0.1:${config.API_PORT}/docs)
  Temporal UI   ${config.TEMPORAL_UI_URL}   (filter: FolioStatus = "NeedsAttention")
  Metrics       API http://127.0.0.1:${config.API_OPS_PORT}/metrics, worker http://127.0.0.1:${config.WORKER_OPS_PORT}/metrics (readiness /health/ready on both)
                worker's Temporal SDK http://127.0.0.1:${config.METRICS_PORT}/metrics
  Keys          client ${clientKey}
                operator ${operatorKey}   (files in ${keyDir})
  Logs          ${path.join(data, 'logs')}
  Stop          Ctrl-C
`);
    if (config.MODE === 'sandbox' && process.env.DEMO !== 'false') {
      // the main job: submit the sandbox's folio requests and follow them (its output comes here)
      spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/demo.ts')], { env, stdio: 'inherit' });
    }
    await stop(await sup.untilExit());
  } catch (err) {
    console.error(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await sup.stopAll();
    process.exit(1);
  }
}

if (require.main === module) void main();
