// Our own mail outage is not the hotel's fault (issue 14, item 9): two folios at an email-only hotel are
// asked for while our SMTP server is down (nothing listens on its port) until the email request's retries
// run out — through the real folio, dispatcher and email request workflows, the real email activity and
// mailer, on the time-skipping server. Neither folio may count the hotel's address as bad or give up on
// it; once our server is back, the request goes out, once, in one email for both.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Mailer } from '../../adapters/email/mailer';
import { createEmailActivities } from '../../activities/email';
import { FolioStatus } from '../../domain/model';
import { folioStateQuery } from '../../workflows/definitions';
import { DAY_MS, HOUR_MS } from '../../domain/calendar';
import type { HotelMail } from '../../sandbox/mail';
import { mailEnv, startMail } from '../helpers/mail';
import { LifecycleWorld } from '../helpers/lifecycle-world';
import { freePort } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

describe('security: our own SMTP outage does not mark the hotel’s address bad (item 9)', function () {
  this.timeout(240_000);
  let world: LifecycleWorld;
  let mailer: Mailer;
  let proxy: TcpProxy | undefined;
  let smtpPort: number;
  let upstream: number;
  const atHotel: HotelMail[] = [];

  before(async function () {
    this.timeout(240_000);
    const mail = await startMail();
    smtpPort = await freePort(); // our SMTP server's port: nothing listens there until it is back
    world = await LifecycleWorld.create({
      ownServer: true,
      config: { ...mailEnv(mail, 'requests'), SMTP_PORT: String(smtpPort), BATCH_WINDOW_SECONDS: '60', LOG_LEVEL: 'silent' },
      mail: (config, store) => {
        mailer = new Mailer(config, { timeoutMs: 2000 });
        return createEmailActivities({ config, store, mailer });
      },
    });
    mail.onHotelMail((m) => void atHotel.push(m));
    upstream = mail.smtpPort;
  });
  after(async () => {
    await world?.stop();
    mailer?.close();
    await proxy?.close();
  });

  it('both folios keep the address and ask again once our server is back', async () => {
    const hotelId = `outage-${randomUUID().slice(0, 6)}`;
    const hotel = await world.addHotel({ hotelId, channelPreference: 'email-only', emails: [`frontdesk@${hotelId}.example`] });
    const reqs = [world.request(hotelId), world.request(hotelId, { guest: { firstName: 'Grace', lastName: 'Hopper', additionalNames: [] } })];
    const handles = await Promise.all(reqs.map((r) => world.start(r)));

    // the email request's retries run out (about 40 minutes of server time) while our server is down
    const events = async (i: number) => (await world.store.folios.timeline(reqs[i]!.folioId)).map((e) => e.type);
    const deadline = (await world.env.currentTimeMs()) + 2 * DAY_MS;
    while (!(await events(0)).includes('EmailRejected') && !(await events(0)).includes('EmailNotSent')) {
      assert.ok((await world.env.currentTimeMs()) < deadline, `no outcome of the email request: ${(await events(0)).join(', ')}`);
      await world.env.sleep(10 * 60_000);
    }
    for (const [i, h] of handles.entries()) {
      const state = await world.client.workflow.getHandle(h.workflowId).query(folioStateQuery);
      const seen = await events(i);
      assert.ok(!seen.includes('EmailRejected'), `folio ${i}: our outage is not the hotel rejecting its address: ${seen.join(', ')}`);
      assert.notEqual(state.status, FolioStatus.NeedsAttention, `folio ${i} did not give up on the address`);
    }
    assert.deepEqual(await world.store.hotels.badAddresses(hotel.hotelId), [], 'the hotel record keeps its address');
    assert.equal(atHotel.filter((m) => m.recipients.includes(hotel.emails[0]!)).length, 0);

    // our server is back: the folios ask again, in one email for both
    proxy = await startTcpProxy(upstream, smtpPort);
    const back = (await world.env.currentTimeMs()) + 3 * DAY_MS;
    while (!(await events(0)).includes('EmailRequestSent') || !(await events(1)).includes('EmailRequestSent')) {
      assert.ok((await world.env.currentTimeMs()) < back, `not asked again: ${(await events(0)).join(', ')}`);
      await world.env.sleep(HOUR_MS / 4);
    }
    const sent = atHotel.filter((m) => m.recipients.includes(hotel.emails[0]!));
    assert.equal(sent.length, 1, 'one request email');
    for (const r of reqs) assert.match(sent[0]!.parsed.text ?? '', new RegExp(r.confirmationNumber), 'both guests in it');
  });
});
