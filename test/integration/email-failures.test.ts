// sendEmailRequest when things go wrong between us and the mail server.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config';
import { Store } from '../../adapters/mongo/store';
import { Mailer, TemporaryMailError } from '../../adapters/email/mailer';
import { createEmailActivities } from '../../activities/email';
import type { HotelMail } from '../../sandbox/mail';
import type { EmailRequestInput } from '../../workflows/definitions';
import { freePort, startMongo } from '../helpers/stack';
import { startMail, mailEnv } from '../helpers/mail';

const input = (emailId: string): EmailRequestInput => ({
  emailId,
  kind: 'request',
  hotel: { hotelId: 'fail', name: 'Fail Hotel', phone: '+4412345678', emails: ['desk@fail.example'], timeZone: 'Europe/London', language: 'en', businessHours: {}, closedDates: [], channelPreference: 'email-only' },
  guests: [{ folioId: 'x1', workflowId: 'folio:c:x1', guestName: 'Ivy Chen', confirmationNumber: 'FH-1', checkIn: '2026-07-01', checkOut: '2026-07-02' }],
});

describe('the Mailer', function () {
  this.timeout(20_000);

  it('signs with DKIM when a key is configured', async () => {
    const mail = await startMail();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const config = loadConfig({ ...mailEnv(mail, 'scratch'), LOG_LEVEL: 'warn' });
    const mailer = new Mailer(config, { dkim: { domainName: 'folio.test', keySelector: 'folio2026', privateKey } });
    const got: HotelMail[] = [];
    const off = mail.onHotelMail((m) => void got.push(m));
    const id = await mailer.send({ from: 'scratch@folio.test', to: 'desk@dkim.example', replyTo: 'scratch+abcdefgh@folio.test', subject: 's', text: 't', html: '<p>t</p>', messageId: '<dkim-1@folio.test>' });
    const deadline = Date.now() + 5000;
    while (!got.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
    off();
    mailer.close();
    assert.equal(id, '<dkim-1@folio.test>');
    assert.match(got[0]!.raw.toString(), /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=folio\.test;\s+q=dns\/txt;\s+s=folio2026;\s+bh=[A-Za-z0-9+/=]{44};/m);
  });
});

describe('sending a request when the mail server misbehaves', function () {
  this.timeout(20_000);

  it('a mail server that cannot be reached is a temporary failure (Temporal retries), not a rejection', async () => {
    const mongo = await startMongo();
    const config = loadConfig({ SMTP_PORT: String(await freePort()), LOG_LEVEL: 'warn' });
    const mailer = new Mailer(config, { timeoutMs: 2000 });
    const store = new Store(mongo.db());
    await assert.rejects(createEmailActivities({ config, store, mailer }).sendEmailRequest(input('em-down')), TemporaryMailError);
    const doc = await store.emails.get('em-down');
    assert.equal(doc?.state, 'sending', 'the intent is recorded; the retry reuses it');
    mailer.close();
  });

  it('our mail server refusing us with a 5xx (at the greeting) is our failure: not retried, the hotel address not marked bad', async () => {
    const mongo = await startMongo();
    const refusing = createServer((socket) => socket.end('554 5.3.2 service shutting down\r\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const config = loadConfig({ SMTP_PORT: String((refusing.address() as AddressInfo).port), LOG_LEVEL: 'warn' });
    const mailer = new Mailer(config, { timeoutMs: 2000 });
    const store = new Store(mongo.db());
    await assert.rejects(createEmailActivities({ config, store, mailer }).sendEmailRequest(input('em-refused')), (e: ApplicationFailure) => {
      assert.equal(e.type, 'MailConfigError');
      assert.equal(e.nonRetryable, true);
      return true;
    });
    assert.deepEqual(await store.hotels.badAddresses('fail'), []);
    assert.equal((await store.emails.get('em-refused'))?.state, 'sending');
    mailer.close();
    await new Promise((resolve) => refusing.close(resolve));
  });

  it('a retry after a crash between sending and recording reuses the same Message-ID and token', async () => {
    const [mongo, mail] = await Promise.all([startMongo(), startMail()]);
    const config = loadConfig({ ...mailEnv(mail, 'scratch'), LOG_LEVEL: 'warn' });
    const store = new Store(mongo.db());
    const { emails } = store;
    await emails.beginSend({ _id: 'em-crash', hotelId: 'fail', kind: 'request', messageId: '<email-em-crash@folio.test>', token: 'crashtoken', to: 'desk@fail.example', subject: 'Folio request for 1 guest – Fail Hotel [Ref crashtoken]', hotelEmails: ['desk@fail.example'], guests: [] });
    const got: HotelMail[] = [];
    const off = mail.onHotelMail((m) => void got.push(m));
    const mailer = new Mailer(config);
    const r = await createEmailActivities({ config, store, mailer }).sendEmailRequest(input('em-crash'));
    assert.equal(r.messageId, '<email-em-crash@folio.test>');
    const deadline = Date.now() + 5000;
    while (!got.some((m) => m.parsed.messageId === r.messageId) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 30));
    const m = got.find((x) => x.parsed.messageId === r.messageId)!;
    assert.match(m.parsed.subject!, /\[Ref crashtoken\]$/);
    assert.equal(m.parsed.replyTo?.value[0]?.address, 'scratch+crashtoken@folio.test');
    assert.equal((await emails.get('em-crash'))?.state, 'sent');
    off();
    mailer.close();
  });
});
