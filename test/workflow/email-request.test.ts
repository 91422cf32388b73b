// One written request to a hotel, through the real email activity, the real mailer and the sandbox mail
// system (SMTP + Dovecot): sent, refused for good, bounced later, retried through temporary failures.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { hotelSnapshot } from '../../domain/model';
import { HotelConfig } from '../../domain/schemas';
import { Mailer } from '../../adapters/email/mailer';
import { createEmailActivities } from '../../activities/email';
import type { HotelMail, MailSystem } from '../../sandbox/mail';
import type { EmailRequestInput, EmailRequestResult } from '../../workflows/definitions';
import { mailEnv, startMail } from '../helpers/mail';
import { startMongo } from '../helpers/stack';
import { startHarness, until, type Harness } from '../helpers/workflow-harness';

const USER = 'requests';

describe('email request workflow (time-skipping server, sandbox mail system)', function () {
  this.timeout(90_000);
  let h: Harness;
  let mail: MailSystem;
  let mailer: Mailer;
  let store: Store;
  const atHotels: HotelMail[] = [];

  before(async function () {
    this.timeout(180_000); // the first file bundles the workflows; a server starts
    const [mongo, m] = await Promise.all([startMongo(), startMail()]);
    mail = m;
    const config = loadConfig({ ...mailEnv(mail, USER), LOG_LEVEL: 'warn' });
    store = new Store(mongo.db());
    mailer = new Mailer(config, { timeoutMs: 5000 });
    h = await startHarness('email-request', createEmailActivities({ config, store, mailer }));
    mail.onHotelMail((m) => void atHotels.push(m));
  });
  afterEach(() => mail.setRecipientPolicy(() => ({ action: 'accept' })));
  after(async () => {
    await h?.stop();
    mailer?.close();
  });

  /** A hotel on file (its refused addresses are kept on it) and one request to it. */
  async function request(address: string): Promise<EmailRequestInput> {
    const hotel = HotelConfig.parse({ hotelId: `mail-${randomUUID().slice(0, 8)}`, name: 'Hotel Lumen', phone: '+441632960001', timeZone: 'Europe/London', country: 'GB', emails: [address], businessHours: {} });
    await store.hotels.upsert(hotel);
    return {
      emailId: `email:${hotel.hotelId}:1`,
      kind: 'request',
      hotel: hotelSnapshot(hotel),
      guests: [{ folioId: randomUUID(), workflowId: 'folio:c:r1', guestName: 'Ada Lovelace', confirmationNumber: 'CNF-1', checkIn: '2026-07-01', checkOut: '2026-07-03' }],
    };
  }

  /** The hotel's server answers 451 (try later) the first `times` times it is offered the address. */
  function deferring(address: string, times: number): { offered: () => number } {
    let offered = 0;
    mail.setRecipientPolicy((a) => {
      if (a !== address) return { action: 'accept' };
      return ++offered <= times ? { action: 'defer', reason: 'greylisted, try again later' } : { action: 'accept' };
    });
    return { offered: () => offered };
  }

  const run = (input: EmailRequestInput): Promise<EmailRequestResult> =>
    h.client.workflow.execute('emailRequestWorkflow', { args: [input], taskQueue: h.taskQueue, workflowId: input.emailId });
  const sentTo = (address: string) => atHotels.filter((m) => m.recipients.includes(address));

  it('sends one request to the hotel and reports its Message-ID', async () => {
    const input = await request(`desk-${randomUUID().slice(0, 6)}@lumen.example`);
    const r = await run(input);
    assert.equal(r.rejected, undefined);
    assert.equal(r.to, input.hotel.emails[0]);
    assert.match(r.messageId ?? '', /^<email-.+@folio\.test>$/);
    const got = sentTo(input.hotel.emails[0]);
    assert.equal(got.length, 1);
    assert.equal(got[0].parsed.messageId, r.messageId);
    assert.match(got[0].parsed.text ?? '', /CNF-1/);
    assert.equal((await store.emails.get(input.emailId))?.state, 'sent');
  });

  it("an address the hotel's server refuses for good is reported rejected at once, and marked bad", async () => {
    const address = `gone-${randomUUID().slice(0, 6)}@lumen.example`;
    mail.setRecipientPolicy((a) => (a === address ? { action: 'reject', reason: 'mailbox unavailable' } : { action: 'accept' }));
    const input = await request(address);
    const r = await run(input);
    assert.match(r.rejected ?? '', /smtp 550.*mailbox unavailable/);
    assert.equal(r.messageId, undefined);
    assert.deepEqual(await store.hotels.badAddresses(input.hotel.hotelId), [address]);
    const history = await h.client.workflow.getHandle(input.emailId).fetchHistory();
    assert.equal(history.events?.filter((e) => e.activityTaskStartedEventAttributes).length, 1, 'a permanent refusal is not retried');
  });

  it("a bounce after the server accepted is not this workflow's to report: it is sent, and the DSN reaches our mailbox", async () => {
    const address = `bounce-${randomUUID().slice(0, 6)}@lumen.example`;
    mail.setRecipientPolicy((a) => (a === address ? { action: 'bounce', reason: 'user unknown' } : { action: 'accept' }));
    const r = await run(await request(address));
    assert.equal(r.rejected, undefined);
    const imap = new ImapFlow({ host: '127.0.0.1', port: mail.imapPort, secure: false, auth: { user: USER, pass: `${USER}-pw` }, logger: false });
    await imap.connect();
    try {
      await imap.mailboxOpen('INBOX');
      await until(async () => ((await imap.search({ body: address }, { uid: true })) || []).length, (n) => n > 0, 'the DSN in our mailbox');
    } finally {
      await imap.logout();
    }
  });

  it('temporary failures are retried with the same Message-ID until the hotel takes the request', async () => {
    const address = `busy-${randomUUID().slice(0, 6)}@lumen.example`;
    deferring(address, 2);
    const input = await request(address);
    const r = await run(input);
    assert.equal(r.rejected, undefined);
    const got = sentTo(address);
    assert.equal(got.length, 1, 'delivered once, after two 451s');
    assert.equal(got[0].parsed.messageId, r.messageId, 'the retry kept the Message-ID');
    const history = await h.client.workflow.getHandle(input.emailId).fetchHistory();
    const attempt = history.events?.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes?.attempt;
    assert.equal(attempt, 3, 'third attempt');
  });

  it('when temporary failures outlast the retries, the request is reported not sent (never rejected) so the folios move on', async () => {
    const address = `down-${randomUUID().slice(0, 6)}@lumen.example`;
    const server = deferring(address, Infinity);
    const input = await request(address);
    const r = await run(input);
    assert.equal(r.rejected, undefined, 'a temporary failure says nothing against the address');
    assert.match(r.unsent ?? '', /^could not send: .*451/);
    assert.deepEqual(await store.hotels.badAddresses(input.hotel.hotelId), [], 'the address stays usable');
    assert.equal(server.offered(), 10, 'ten attempts, backing off (about 40 minutes of server time)');
    assert.equal(sentTo(address).length, 0);
  });
});
