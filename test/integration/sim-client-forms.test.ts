// The benchmark's simulated clients (bench/sim-world.ts): asked for a guest's signed form, a client uploads it
// through our real API (POST /v1/folios/{id}/authorization) after the hours the population draws, the form goes
// to the hotel and the folio completes; a client who never answers leaves the folio with a person.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DAY_MS, HOUR_MS } from '../../domain/calendar';
import { FolioStatus, type FolioRequest } from '../../domain/model';
import { folioStartOptions } from '../../api/folio-requests';
import { clientFormHours, generatePopulation, type SandboxHotel } from '../../sandbox/population';
import { SimWorld } from '../../bench/sim-world';
import { createTimeSkipping, startMongo } from '../helpers/stack';

const SEED = 11;

/** A hotel of the population that asks for a guest's signed form, made to pick up every call and answer every email. */
function formHotel(): SandboxHotel {
  const h = generatePopulation(SEED, 400).find((x) => x.behaviour.stance === 'auth_form' && x.config.channelPreference === 'phone-first' && x.config.emails.length > 0 && !x.behaviour.emailBounces && !x.behaviour.chain);
  assert.ok(h, 'the population has a hotel that asks for a signed form');
  return {
    ...h,
    behaviour: {
      ...h.behaviour,
      line: { answered: 1, noAnswer: 0, voicemail: 0, busy: 0, fax: 0 },
      ivr: undefined,
      stanceConsistency: 1,
      noSuchBooking: 0,
      inbox: 'prompt',
      replyHours: [2, 1.01],
      replyChance: 1,
      agreedThenSends: 1,
      replyContent: [['correct', 1]],
      hangsUpOnBot: false,
    },
  };
}

/** The first guest key the population gives a client of this kind (uploads within a day / never uploads). */
function guestKey(uploads: boolean): string {
  for (let i = 0; ; i++) {
    const hours = clientFormHours(SEED, `form-${i}`);
    if (uploads ? hours !== undefined && hours < 24 : hours === undefined) return `form-${i}`;
  }
}

for (const mail of ['direct', 'inbox'] as const) {
  describe(`simulated clients answer form requests (benchmark world, mail ${mail})`, function () {
    this.timeout(600_000);
    let env: TestWorkflowEnvironment;
    let world: SimWorld;
    const hotel = formHotel();

    before(async function () {
      this.timeout(180_000);
      env = await createTimeSkipping();
      const mongo = await startMongo();
      world = await SimWorld.create({ env, db: mongo.db(`sim_client_forms_${mail}_${process.pid}`), hotels: [hotel], seed: SEED, mail, config: { LOG_LEVEL: 'silent' } });
    });
    after(async () => world?.stop());

    const request = (folioId: string, lastName: string, checkOutMs: number): FolioRequest => ({
      folioId,
      clientId: 'bench',
      clientReference: `ref-${folioId}`,
      hotelId: hotel.config.hotelId,
      guest: { firstName: 'Ada', lastName, additionalNames: [] },
      confirmationNumber: `C${folioId.replace(/\D/g, '').padStart(6, '7')}`,
      checkIn: new Date(checkOutMs - 2 * DAY_MS).toISOString().slice(0, 10),
      checkOut: new Date(checkOutMs).toISOString().slice(0, 10),
      delivery: {},
      priority: 'normal',
      receivedAt: new Date(checkOutMs - 3 * DAY_MS).toISOString(),
    });

    /** Moves the server's clock on in steps until the folio's projection has one of the statuses (or the days run out). */
    async function until(folioId: string, statuses: FolioStatus[], days: number): Promise<FolioStatus | undefined> {
      const end = (await env.currentTimeMs()) + days * DAY_MS;
      for (;;) {
        const status = (await world.store.folios.get(folioId))?.status as FolioStatus | undefined;
        if (status && statuses.includes(status)) return status;
        if ((await env.currentTimeMs()) >= end) return status;
        await env.sleep(3 * HOUR_MS);
      }
    }

    it('a client who answers uploads the form through the API; the hotel then sends the folio and it completes', async () => {
      const req = request(guestKey(true), 'Lovelace', (await env.currentTimeMs()) + DAY_MS);
      await world.start(req, folioStartOptions(world.config));
      assert.equal(await until(req.folioId, [FolioStatus.Completed, FolioStatus.NeedsAttention, FolioStatus.Unobtainable], 12), FolioStatus.Completed);
      // started as the API starts folios: the written request goes out before the first call
      const contacts = (await world.store.folios.timeline(req.folioId, { limit: 500 })).map((e) => e.type).filter((t) => t === 'EmailRequestSent' || t === 'CallPlaced');
      assert.equal(contacts[0], 'EmailRequestSent', contacts.join(','));
      // through the mail path the hotel's written answer to the early request already asks for the form (read by our inbox)
      const required = await world.store.folios.timeline(req.folioId, { type: 'AuthorizationRequired' });
      assert.equal(required[0]?.data?.via, mail === 'inbox' ? 'email' : 'phone', JSON.stringify(required));
      const received = await world.store.folios.timeline(req.folioId, { type: 'AuthorizationReceived' });
      assert.equal(received.length, 1);
      // uploaded with the client's own API key, not by an operator or by the simulation behind the API's back
      assert.match(String(received[0]!.data?.by), /^client:bench:/);
      assert.equal((await world.store.folios.timeline(req.folioId, { type: 'AuthorizationSentToHotel' })).length, 1);
      assert.equal(world.tallies['client forms']?.['uploaded through the API'], 1);
      assert.equal(world.tallies['client forms']?.['reached the hotel'], 1);
    });

    it('a client who never answers: no upload, and the folio ends with a person', async function () {
      // the mail path changes nothing for a form that never comes
      if (mail === 'inbox') this.skip();
      const req = request(guestKey(false), 'Hopper', (await env.currentTimeMs()) + DAY_MS);
      await world.start(req, folioStartOptions(world.config));
      const status = await until(req.folioId, [FolioStatus.Completed, FolioStatus.NeedsAttention, FolioStatus.Unobtainable], 14);
      assert.equal(status, FolioStatus.NeedsAttention);
      assert.equal((await world.store.folios.timeline(req.folioId, { type: 'AuthorizationRequired' })).length >= 1, true);
      assert.equal((await world.store.folios.timeline(req.folioId, { type: 'AuthorizationReceived' })).length, 0);
      assert.equal(world.tallies['client forms']?.['asked, never uploaded'], 1);
    });
  });
}
