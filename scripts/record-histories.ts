// Records fresh histories of every workflow type for the replay test (test/replay/replay.test.ts).
// Run after an intended, versioned change of workflow code: `npx tsx scripts/record-histories.ts`.
// A change that breaks these recorded runs would break running workflows in production.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { FolioStatus } from '../domain/model';
import { agrees, LifecycleWorld } from '../test/helpers/lifecycle-world';
import { stopStack } from '../test/helpers/stack';
import { edgeFor, GONE } from '../temporal/edge';
import { acquireCallSlotSignal, callSlotsStateQuery, callSlotsWorkflowId, callSlotsWorkflowType, hotelDispatchWorkflowType } from '../workflows/definitions';

const OUT = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories');

async function main() {
  const world = await LifecycleWorld.create({ config: { CALL_OVERFLOW_SECONDS: '30' } });
  try {
    mkdirSync(OUT, { recursive: true });
    const save = async (name: string, workflowId: string) => {
      const history = await world.history(workflowId);
      writeFileSync(path.join(OUT, `${name}.json`), historyToJSON(history));
      console.log(`recorded ${name} (${history.events?.length} events)`);
    };

    // phone path: no answer, a callback, agreement, the folio by email, completed
    await world.addHotel({ hotelId: 'replay-phone' });
    world.scripts.set('replay-phone', [{ line: 'no-answer' }, { line: 'human', say: () => ({ kind: 'callback', phrase: 'tomorrow after 10' }) }, { line: 'human', say: agrees }]);
    const phone = world.request('replay-phone', { clientReference: 'replay-phone-1' });
    const h1 = await world.start(phone);
    await world.waitFor(h1.workflowId, [FolioStatus.AwaitingEmail]);
    await world.hotelSendsFolio(phone);
    await h1.result();

    // email path with an overflowing call first
    await world.addHotel({ hotelId: 'replay-email' });
    world.scripts.set('replay-email', [{ line: 'human-stalls' }]);
    const email = world.request('replay-email', { clientReference: 'replay-email-1' });
    const h2 = await world.start(email);
    await world.waitFor(h2.workflowId, [FolioStatus.EmailRequested]);
    await world.hotelSendsFolio(email);
    await h2.result();

    await save('folio-phone', h1.workflowId);
    await save('folio-overflow-email', h2.workflowId);
    await save('call-conversation', world.callsTo('replay-phone')[2].input.callId);
    await save('call-overflow', world.callsTo('replay-email')[0].input.callId);
    await save('email-request', world.emails.find((e) => e.hotel.hotelId === 'replay-email')!.emailId);
    await save('hotel-dispatch', 'hotel:replay-phone');
    await save('call-slots', callSlotsWorkflowId(world.config.TEMPORAL_TASK_QUEUE));

    // call slots: the slot granted to a requester that has gone goes to the next waiter at once
    const temporal = edgeFor(world.client, world.config);
    const waiter = await world.addHotel({ hotelId: 'replay-waiter' });
    await temporal.start(hotelDispatchWorkflowType, 'hotel:replay-waiter', [{ hotelId: waiter.hotelId }]);
    const slotsId = 'call-slots:replay-vanished';
    await temporal.start(callSlotsWorkflowType, slotsId, [{ capacity: 1 }]);
    await temporal.send(slotsId, acquireCallSlotSignal, { leaseId: 'ghost', workflowId: 'hotel:replay-gone' });
    await temporal.send(slotsId, acquireCallSlotSignal, { leaseId: 'live', workflowId: 'hotel:replay-waiter' });
    for (let i = 0; ; i++) {
      const state = await temporal.query(slotsId, callSlotsStateQuery);
      if (state !== GONE && state.held[0] === 'live') break;
      if (i > 200) throw new Error('the waiter never got the slot');
      await new Promise((r) => setTimeout(r, 50));
    }
    await save('call-slots-vanished-requester', slotsId);
  } finally {
    await world.stop();
    await stopStack();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
