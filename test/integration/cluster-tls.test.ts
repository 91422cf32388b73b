// Connection security against the production topology with TLS on: PostgreSQL and the four Temporal services
// as separate processes (mutual TLS between them, the frontend asking every client for a certificate
// signed by the cluster's CA), certificates made with openssl here. Our real processes — the worker, the
// API and the inbox monitor — connect with nothing but the TEMPORAL_* environment; the CLI reads the same
// variables; connections without a certificate, with a stranger's, or to the wrong name are refused.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { ApiKeys } from '../../api/auth';
import { HotelConfig } from '../../domain/schemas';
import { FolioStatus } from '../../domain/model';
import { temporalConnectionOptions } from '../../temporal/client';
import { Supervisor } from '../../scripts/supervisor';
import { CertificateError, clusterCertificates } from '../../scripts/cluster-certs';
import { freeClusterPorts, temporalClientEnv, TOOL, type ClusterPorts, type ClusterTls } from '../../scripts/cluster-topology';
import { setupNamespace, setupTemporalSchemas, startPostgres, startTemporalServices } from '../../scripts/cluster-temporal';
import { allDay, daysFromNow } from '../helpers/lifecycle-world';
import { freePort, ROOT, startMongo, startProcess, tempDir } from '../helpers/stack';

/** A connection attempt's outcome: 'ok' or the error's message. */
async function tryConnect(options: Parameters<typeof Connection.connect>[0]): Promise<string> {
  try {
    const c = await Connection.connect({ ...options, connectTimeout: 5000 });
    try {
      await c.workflowService.getSystemInfo({});
      return 'ok';
    } finally {
      await c.close();
    }
  } catch (e) {
    return (e as Error).message;
  }
}

function exitOf(child: ChildProcess, ms: number): Promise<number | null | 'running'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const t = setTimeout(() => resolve('running'), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('Temporal cluster with TLS on: every connection by configuration alone', function () {
  this.timeout(240_000);
  let sup: Supervisor;
  let ports: ClusterPorts;
  let tls: ClusterTls;
  let stranger: ClusterTls;
  let clientEnv: Record<string, string>;

  before(async function () {
    const dir = tempDir('cluster-tls');
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its directory inside
    try {
      tls = clusterCertificates(path.join(dir, 'certs'));
      stranger = clusterCertificates(path.join(dir, 'stranger-certs')); // same names, another CA
    } catch (e) {
      if (e instanceof CertificateError) {
        process.stdout.write(`      (skipped: certificates cannot be generated here: ${e.message})\n`);
        this.skip();
      }
      throw e;
    }
    sup = new Supervisor(path.join(dir, 'logs'));
    ports = await freeClusterPorts({ apis: 1, workers: 1 });
    const pg = await startPostgres(sup, path.join(dir, 'postgres'), ports.postgres);
    await setupTemporalSchemas(pg);
    await startTemporalServices(sup, ports, pg, tls);
    await setupNamespace(ports, 'default', tls); // the CLI, with the TLS settings from the environment
    clientEnv = temporalClientEnv(ports, tls);
  });

  after(async () => {
    await sup?.stopAll();
  });

  it('accepts our client certificate, and refuses no TLS, no certificate, a stranger CA and the wrong name', async () => {
    const address = clientEnv.TEMPORAL_ADDRESS!;
    assert.equal(await tryConnect(temporalConnectionOptions(loadConfig(clientEnv))), 'ok');
    const plain = await tryConnect({ address });
    assert.notEqual(plain, 'ok', 'a plain-text connection was accepted');
    const noCert = await tryConnect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.ca, TEMPORAL_TLS_SERVER_NAME: tls.serverName })));
    assert.notEqual(noCert, 'ok', 'a TLS connection without a client certificate was accepted');
    const strangerCert = await tryConnect(temporalConnectionOptions(loadConfig({ ...clientEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: stranger.client.cert, TEMPORAL_TLS_CLIENT_KEY_PATH: stranger.client.key })));
    assert.notEqual(strangerCert, 'ok', 'a client certificate from another CA was accepted');
    const wrongName = await tryConnect(temporalConnectionOptions(loadConfig({ ...clientEnv, TEMPORAL_TLS_SERVER_NAME: 'temporal.elsewhere.example' })));
    assert.notEqual(wrongName, 'ok', 'the server certificate was accepted for a name it does not carry');
    const unknownCa = await tryConnect(temporalConnectionOptions(loadConfig({ ...clientEnv, TEMPORAL_TLS_SERVER_CA_CERT_PATH: stranger.ca })));
    assert.notEqual(unknownCa, 'ok', 'a server certificate from an unknown CA was trusted');
    // the same variables as inline PEM (how a secret store hands them over) work too
    const read = (f: string) => spawnSync('cat', [f], { encoding: 'utf8' }).stdout;
    const inline = { TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_NAME: tls.serverName, TEMPORAL_TLS_SERVER_CA_CERT_DATA: read(tls.ca), TEMPORAL_TLS_CLIENT_CERT_DATA: read(tls.client.cert), TEMPORAL_TLS_CLIENT_KEY_DATA: read(tls.client.key) };
    assert.equal(await tryConnect(temporalConnectionOptions(loadConfig(inline))), 'ok');
  });

  it('runs the worker, the API and the inbox monitor on it, configured by the environment only', async () => {
    const mongo = await startMongo();
    const dbName = `tls_${process.pid}`;
    const store = new Store(mongo.client.db(dbName));
    await store.ensureIndexes();
    await store.hotels.upsert(HotelConfig.parse({ hotelId: 'tls-hotel', name: 'TLS Hotel', phone: '+442071234500', emails: ['desk@tls-hotel.example'], timeZone: 'Europe/London', country: 'GB', businessHours: allDay }));
    const { key } = await new ApiKeys(store.apiKeys).create({ clientId: 'tls-client', role: 'client' });
    const apiPort = await freePort();
    const opsPort = await freePort();
    const env: Record<string, string> = {
      ...clientEnv,
      MONGODB_URI: mongo.uri,
      MONGODB_DB: dbName,
      DATA_DIR: tempDir('cluster-tls-data'),
      TRACING_EXPORTER: 'none',
      LOG_LEVEL: 'warn',
      API_PORT: String(apiPort),
      METRICS_PORT: String(await freePort()),
      WORKER_OPS_PORT: String(await freePort()),
      API_OPS_PORT: String(opsPort),
      CHECKOUT_GRACE_HOURS: '0',
      BATCH_WINDOW_SECONDS: '1',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
      TWILIO_AUTH_TOKEN: 'tls-test-token',
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: `http://127.0.0.1:${await freePort()}`, // nobody answers: the call fails and retries, after the worker has done its part
      IMAP_PORT: String(await freePort()),
    };
    const node = (file: string, processEnv: Record<string, string> = env) => startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, file)], { env: processEnv, cwd: ROOT });

    // without a client certificate the worker cannot connect, and says why
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...noCertificate } = env;
    const refused = node('workers/main.ts', noCertificate);
    let said = '';
    refused.stdout!.on('data', (b: Buffer) => (said += b.toString()));
    refused.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    const code = await exitOf(refused, 90_000);
    assert.ok(code !== 'running' && code !== 0, 'a worker without a client certificate kept running');
    assert.match(said, /worker failed/);
    assert.match(said, /cannot connect to Temporal at 127\.0\.0\.1:\d+ \(TLS without a client certificate, server CA given, server name localhost\)/);

    const worker = node('workers/main.ts');
    const api = node('api/server.ts');
    const monitor = node('workers/inbox-monitor.ts');
    const base = `http://127.0.0.1:${apiPort}`;
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`http://127.0.0.1:${opsPort}/health/ready`).then((r) => r.ok, () => false))) {
      assert.ok(Date.now() < deadline && api.exitCode === null, 'the API did not become ready against the TLS cluster');
      await new Promise((r) => setTimeout(r, 500));
    }
    const created = await fetch(`${base}/v1/folios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientReference: 'tls-1', guest: { firstName: 'Ada', lastName: 'Lovelace' }, confirmationNumber: 'TLS12345', checkIn: daysFromNow(-4), checkOut: daysFromNow(-2), hotel: { hotelId: 'tls-hotel' } }),
    });
    assert.equal(created.status, 202, await created.clone().text());
    const { folioId, workflowId } = (await created.json()) as { folioId: string; workflowId: string };
    // the workflow runs on the worker and its activities write the projection: the status moves on
    let status = FolioStatus.WaitingForCheckout as string;
    while (status === FolioStatus.WaitingForCheckout) {
      assert.ok(Date.now() < deadline && worker.exitCode === null, `the folio did not move on (worker ${worker.exitCode === null ? 'running' : 'exited'})`);
      await new Promise((r) => setTimeout(r, 500));
      status = ((await store.folios.get(folioId))?.status as string) ?? status;
    }
    assert.ok([FolioStatus.Queued, FolioStatus.Calling, FolioStatus.RetryScheduled].includes(status as FolioStatus), status);
    assert.equal(monitor.exitCode, null, 'the inbox monitor exited');
    // the CLI, with the same environment, finds the workflow by its search attribute
    const list = spawnSync(TOOL.cli, ['workflow', 'list', '--query', 'HotelId="tls-hotel"', '-o', 'json'], { env: { ...process.env, ...clientEnv }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(list.status, 0, list.stderr);
    assert.ok(list.stdout.includes(`"workflowId": "${workflowId}"`), list.stdout.slice(0, 500));
  });
});
