// The worker process as deployed (workers/main.ts, beside the API process, the sandbox's default tracing on):
// its operations endpoint binds loopback unless told otherwise, reports readiness once the worker polls, and
// serves on /metrics the projection lag of the folio states its workflows wrote — the histogram the
// ProjectionLagging alert reads, which Prometheus can only scrape there. Stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkoutDueAt } from '../../domain/business-hours';
import { FolioStatus } from '../../domain/model';
import { startAppProcesses } from '../helpers/app-processes';
import { daysFromNow } from '../helpers/dates';
import { promSample } from '../helpers/prom';
import { freePort } from '../helpers/stack';

/** The local addresses listening on a TCP port (IPv4 and IPv6), from the kernel's own tables. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const LISTEN = '0A';
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => state === LISTEN && local!.endsWith(`:${hexPort}`))
      .map(([, local]) => local!.split(':')[0]!),
  );
}
/** 127.0.0.1 as /proc/net/tcp writes it (little-endian hex). */
const LOOPBACK_V4 = '0100007F';

describe('worker process (workers/main.ts): its operations endpoint', function () {
  this.timeout(180_000);

  it('binds loopback by default, is ready once it polls, and exports the projection lag of the states it wrote', async () => {
    const nobody = await freePort();
    const app = await startAppProcesses('worker-ops', {
      // the port is the test's (the helper's); the host is left to the default
      CHECKOUT_GRACE_HOURS: '0',
      BATCH_WINDOW_SECONDS: '1',
      // nobody answers: calls fail and are retried, after the worker has written the folio's states
      TWILIO_API_BASE_URL: `http://127.0.0.1:${nobody}`,
    });
    const { store, hotelId, worker, until } = app;
    const { api: apiPort, apiOps: apiOpsPort, sdkMetrics: sdkPort, workerOps: opsPort } = app.ports;
    const key = app.clientKey;
    const exited = app.workerExited;
    const ops = `http://127.0.0.1:${opsPort}`;

    // readiness: 503 naming the worker while it bundles its workflows and connects, 200 once it polls
    const unready: { worker: { ok: boolean; error?: string } }[] = [];
    const ready = await until('the worker to be ready', async () => {
      const r = await fetch(`${ops}/health/ready`);
      const body = (await r.json()) as { status: string; worker: { ok: boolean; error?: string }; temporal: { ok: boolean }; mongodb: { ok: boolean } };
      if (r.status === 200) return body;
      assert.equal(r.status, 503);
      unready.push(body);
      return undefined;
    });
    assert.deepEqual([ready.status, ready.worker.ok, ready.temporal.ok, ready.mongodb.ok], ['ready', true, true, true]);
    for (const u of unready) assert.match(String(u.worker.error), /^the worker is (starting|initialized)$/, JSON.stringify(u));
    assert.equal((await fetch(`${ops}/health/live`)).status, 200);
    assert.equal((await fetch(`${ops}/v1/folios`)).status, 404, 'the operations port serves something else');

    // bound to loopback when WORKER_OPS_HOST is not set: the kernel lists the port on 127.0.0.1 alone, as the log says
    assert.deepEqual(listeners(opsPort), [LOOPBACK_V4]);
    const started = app.log().split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; ops?: string; workflowHeapMb?: number }) : {})).find((l) => l.msg === 'worker started');
    assert.equal(started?.ops, `http://127.0.0.1:${opsPort}`);
    assert.equal(started?.workflowHeapMb, 221, 'the workflow thread heap bound derived from the default cache of 100 runs');

    // nothing written yet: the histogram is there, empty
    const before = await (await fetch(`${ops}/metrics`)).text();
    assert.equal(promSample(before, 'folio_projection_lag_seconds_count'), 0);

    // a folio through the API: its workflow runs on this worker, whose writer projects its states (passing ones
    // through the workflows' projection sink, which tracing's span-exporter sink must not displace)
    await until('the API', async () => ((await fetch(`http://127.0.0.1:${apiOpsPort}/health/ready`)).ok ? true : undefined));
    const created = await fetch(`http://127.0.0.1:${apiPort}/v1/folios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientReference: 'ops-1', guest: { firstName: 'Ada', lastName: 'Lovelace' }, confirmationNumber: 'OPS12345', checkIn: daysFromNow(-4), checkOut: daysFromNow(-2), hotel: { hotelId } }),
    });
    assert.equal(created.status, 202, await created.clone().text());
    const { folioId } = (await created.json()) as { folioId: string };
    const status = await until('the worker to project the folio past its request', async () => {
      const s = (await store.folios.get(folioId))?.status;
      return s && s !== FolioStatus.WaitingForCheckout ? s : undefined;
    });
    assert.ok([FolioStatus.Queued, FolioStatus.Calling, FolioStatus.RetryScheduled].includes(status as FolioStatus), status);

    // the deployment's grace after check-out (CHECKOUT_GRACE_HOURS, 0 here) reaches the folios the API starts:
    // one checking out in two days rests until noon of that day at the hotel, not the workflow's own 24 h later
    const later = await fetch(`http://127.0.0.1:${apiPort}/v1/folios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientReference: 'ops-2', guest: { firstName: 'Alan', lastName: 'Turing' }, confirmationNumber: 'OPS67890', checkIn: daysFromNow(1), checkOut: daysFromNow(2), hotel: { hotelId } }),
    });
    assert.equal(later.status, 202, await later.clone().text());
    const laterId = ((await later.json()) as { folioId: string }).folioId;
    const resting = await until('the worker to project the later folio at rest', async () => {
      const f = await store.folios.get(laterId);
      return f?.status === FolioStatus.WaitingForCheckout && f.nextActionAt ? f : undefined;
    });
    const hotel = (await store.hotels.get(hotelId))!;
    assert.equal(resting.nextActionAt, new Date(checkoutDueAt(daysFromNow(2), hotel.timeZone, 0)).toISOString());

    // the real HTTP scrape shows the writes and their lag: one observation per folio state written
    const text = await until('the projection lag on /metrics', async () => {
      const t = await (await fetch(`${ops}/metrics`)).text();
      return (promSample(t, 'folio_projection_lag_seconds_count') ?? 0) > 0 ? t : undefined;
    });
    const count = promSample(text, 'folio_projection_lag_seconds_count')!;
    assert.equal(promSample(text, 'folio_projection_writes_total'), count, 'states written and lag observations differ');
    assert.ok(promSample(text, 'folio_projection_batches_total')! >= 1);
    assert.equal(promSample(text, 'folio_projection_batch_failures_total'), 0);
    assert.ok(promSample(text, 'folio_projection_lag_seconds_sum')! < 60 * count, 'a lag of minutes on an idle machine');
    assert.match(text, /^folio_projection_lag_seconds_bucket\{le="\+Inf"\} \d+$/m);
    assert.ok(promSample(text, 'folio_worker_process_cpu_user_seconds_total')! > 0, 'no process metrics');
    // the SDK's metrics stay on their own port, ours on this one
    assert.ok(!/^temporal_/m.test(text), 'the SDK metrics are on the operations port');
    assert.match(await (await fetch(`http://127.0.0.1:${sdkPort}/metrics`)).text(), /^temporal_/m);

    worker.kill('SIGTERM');
    assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 40_000))]), 0, app.log().slice(-2000));
    assert.deepEqual(listeners(opsPort), [], 'the operations port is still open after the worker stopped');
  });
});
