// The Temporal SDK's own log lines (issue 14 item 16, logs): a worker process with the production Runtime whose
// activity fails with a message quoting a guest, a confirmation number and the hotel's address, against the
// Temporal dev server. The SDK reports the failure through our logger: the type and where, never the free text.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EmailRequestInput } from '../../workflows/definitions';
import { freePort, ROOT, startProcess, startTemporal } from '../helpers/stack';

const GUEST = 'Ada Lovelace';
const CONFIRMATION = 'CONF-77331';
const HOTEL_EMAIL = 'reception@sonnenhof.example';

describe('security: the SDK logs failures through our logger, their free text withheld (item 16)', function () {
  this.timeout(180_000);

  it("an activity failure quoting a guest reaches the worker's log as its type and stack frames only", async () => {
    const env = await startTemporal();
    const input: EmailRequestInput = {
      emailId: `email:${randomUUID()}`,
      kind: 'request',
      hotel: { hotelId: 'h-sonnenhof', name: 'Hotel Sonnenhof', phone: '+498912345678', emails: [HOTEL_EMAIL], timeZone: 'Europe/Berlin', language: 'de', businessHours: [], closedDates: [], channelPreference: 'auto' } as unknown as EmailRequestInput['hotel'],
      guests: [{ folioId: 'f-1', workflowId: 'folio-1', guestName: GUEST, confirmationNumber: CONFIRMATION, checkIn: '2026-11-01', checkOut: '2026-11-03' }],
    };
    const child = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/sdk-log-worker.ts')], {
      cwd: ROOT,
      env: {
        TEMPORAL_ADDRESS: env.address,
        TASK_QUEUE: `sdk-logs-${randomUUID()}`,
        METRICS_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        INPUT: JSON.stringify(input),
        REFUSAL: `550 5.1.1 <${HOTEL_EMAIL}>: no mailbox here for guest ${GUEST} (${CONFIRMATION})`,
      },
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, out.slice(-2000));

    const failed = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; error?: { type?: string; failureType?: string; message?: string; stack?: string } })
      .find((l) => l.msg === 'Activity failed');
    assert.ok(failed, `the SDK logged no "Activity failed" line through our logger:\n${out.slice(-2000)}`);
    assert.equal(failed.error?.failureType, 'MailConfigError');
    assert.match(failed.error?.message ?? '', /withheld/);
    for (const secret of [GUEST, CONFIRMATION, HOTEL_EMAIL, 'no mailbox here']) assert.ok(!out.includes(secret), `"${secret}" printed by the worker`);
  });
});
