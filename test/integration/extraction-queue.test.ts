// Documents read on a task queue of their own (EXTRACTION_TASK_QUEUE): the extraction process serves it with
// EXTRACTION_CONCURRENCY slots and reports its readiness, the worker process loads no PDF library, the API starts
// folios with the queue, and a folio's extraction is scheduled there (seen in its history) and completes it.
import assert from 'node:assert/strict';
import { FolioStatus } from '../../domain/model';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { startAppProcesses } from '../helpers/app-processes';
import { daysFromNow } from '../helpers/dates';
import { freePort } from '../helpers/stack';

describe('extraction on its own task queue (the extraction process, the worker process and the API)', function () {
  this.timeout(180_000);

  it('the extraction process serves the queue with few slots; a folio started by the API is read there and completes', async () => {
    const nobody = await freePort();
    const extractionQueue = `extraction-documents-${process.pid}`;
    // check-out a month ahead: nothing is called; the document comes by upload
    const app = await startAppProcesses('extraction-queue', { EXTRACTION_TASK_QUEUE: extractionQueue, EXTRACTION_CONCURRENCY: '1', BATCH_WINDOW_SECONDS: '1', TWILIO_API_BASE_URL: `http://127.0.0.1:${nobody}` });
    const { store, hotelId, until, temporal, taskQueue } = app;
    const operator = await app.keys.create({ clientId: 'ops', role: 'operator' });
    try {
      // the extraction process's readiness, on its own operations port
      const ready = await until('the extraction process to be ready', async () => {
        const r = await fetch(`http://127.0.0.1:${app.ports.extractionOps}/health/ready`);
        return r.status === 200 ? ((await r.json()) as Record<string, { ok: boolean }>) : undefined;
      });
      assert.equal(ready.extraction?.ok, true, JSON.stringify(ready));
      await until('the worker to be ready', async () => ((await fetch(`http://127.0.0.1:${app.ports.workerOps}/health/ready`)).ok ? true : undefined));
      const lines = (text: string) => text.split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {}));
      const started = lines(app.extractionLog()).find((l) => l.msg === 'extraction worker started');
      assert.deepEqual([started?.extractionTaskQueue, started?.extractionSlots], [extractionQueue, 1], app.extractionLog().slice(-2000));
      const worker = lines(app.log()).find((l) => l.msg === 'worker started');
      assert.equal(worker?.documents, `on ${extractionQueue} (the extraction process)`);

      await until('the API', async () => ((await fetch(`http://127.0.0.1:${app.ports.apiOps}/health/ready`)).ok ? true : undefined));
      const base = `http://127.0.0.1:${app.ports.api}/v1/folios`;
      const request = { clientReference: 'xq-1', guest: { firstName: 'Ada', lastName: 'Lovelace' }, confirmationNumber: 'XQ12345', checkIn: daysFromNow(28), checkOut: daysFromNow(30), hotel: { hotelId } };
      const created = await fetch(base, { method: 'POST', headers: { authorization: `Bearer ${app.clientKey}`, 'content-type': 'application/json' }, body: JSON.stringify(request) });
      assert.equal(created.status, 202, await created.clone().text());
      const { folioId, workflowId } = (await created.json()) as { folioId: string; workflowId: string };
      const pdf = await renderFolioPdf({ hotelName: 'Queue Hotel', guests: [{ firstName: 'Ada', lastName: 'Lovelace' }], arrival: request.checkIn, departure: request.checkOut, folioNumber: 'Q-1', confirmationNumber: 'XQ12345', currency: 'GBP', nightlyRate: 150, taxRate: 0.2, layout: 'classic' });
      const upload = await until('the upload to be taken', async () => {
        const r = await fetch(`${base}/${folioId}/document?filename=folio.pdf`, { method: 'POST', headers: { authorization: `Bearer ${operator.key}`, 'content-type': 'application/pdf' }, body: pdf });
        return r.status === 200 ? r : undefined;
      });
      assert.equal(upload.status, 200);
      const status = await until('the folio to be read', async () => {
        const s = (await store.folios.get(folioId))?.status;
        return s === FolioStatus.Completed || s === FolioStatus.NeedsReview ? s : undefined;
      });
      assert.equal(status, FolioStatus.Completed, app.log().slice(-2000));
      const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      const extract = scheduled.filter((a) => a.activityType?.name === 'extractFolio');
      assert.equal(extract.length, 1);
      assert.equal(extract[0]!.taskQueue?.name, extractionQueue, 'the extraction ran on its own queue');
      assert.ok(scheduled.filter((a) => a.activityType?.name !== 'extractFolio').every((a) => a.taskQueue?.name === taskQueue), 'everything else on the folio queue');
    } finally {
      app.worker.kill('SIGTERM');
      app.api.kill('SIGTERM');
      const extractionExited = new Promise((r) => (app.extraction!.exitCode !== null ? r(app.extraction!.exitCode) : app.extraction!.once('exit', (code) => r(code))));
      app.extraction!.kill('SIGTERM');
      assert.equal(await Promise.race([app.workerExited, new Promise((r) => setTimeout(() => r('timeout'), 40_000))]), 0, app.log().slice(-2000));
      assert.equal(await Promise.race([extractionExited, new Promise((r) => setTimeout(() => r('timeout'), 40_000))]), 0, app.extractionLog().slice(-2000));
    }
  });
});
