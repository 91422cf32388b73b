// The sandbox mail system itself: fast start, SMTP → Dovecot delivery, refusals, and no Dovecot left behind.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { startMailSystem, type MailSystem } from '../../sandbox/mail';
import { tempDir } from '../helpers/stack';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sandbox mail system', function () {
  this.timeout(20_000);
  let mail: MailSystem;
  let startedInMs: number;

  before(async () => {
    const t0 = Date.now();
    mail = await startMailSystem({ dataDir: tempDir('mail-own'), domain: 'desk.test', users: [{ user: 'desk', pass: 'pw' }] });
    startedInMs = Date.now() - t0;
  });
  after(async () => {
    if (mail && alive(mail.dovecotPid)) await mail.stop();
  });

  it('starts in well under two seconds', () => {
    assert.ok(startedInMs < 2000, `took ${startedInMs} ms`);
  });

  it('delivers SMTP mail for a plus-address into the user’s IMAP inbox, with the trace headers an MTA adds', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
    await t.sendMail({ from: 'frontdesk@hotel.example', to: 'desk+abc123xyz@desk.test', subject: 'hello', text: 'body', messageId: '<m-1@hotel.example>' });
    await assert.rejects(t.sendMail({ from: 'frontdesk@hotel.example', to: 'nobody@desk.test', subject: 'x', text: 'x' }), (e: { responseCode?: number }) => e.responseCode === 550);
    t.close();
    const c = new ImapFlow({ host: '127.0.0.1', port: mail.imapPort, secure: false, auth: { user: 'desk', pass: 'pw' }, logger: false });
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const [msg] = await c.fetchAll('1:*', { envelope: true, source: true });
      assert.equal(msg?.envelope?.messageId, '<m-1@hotel.example>');
      assert.match(msg!.source!.toString(), /^Return-Path: <frontdesk@hotel\.example>\r\nDelivered-To: desk\+abc123xyz@desk\.test\r\n/);
    } finally {
      await c.logout();
    }
  });

  it('refuses, bounces or hands over remote mail as the recipient policy says', async () => {
    const got: string[] = [];
    const off = mail.onHotelMail((m) => void got.push(...m.recipients));
    mail.setRecipientPolicy((a) => (a.startsWith('no@') ? { action: 'reject', reason: 'gone' } : a.startsWith('dsn@') ? { action: 'bounce', reason: 'gone' } : { action: 'accept' }));
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
    await assert.rejects(t.sendMail({ from: 'desk@desk.test', to: 'no@far.example', subject: 'x', text: 'x' }), /550 5\.1\.1 <no@far\.example>: gone/);
    await t.sendMail({ from: 'desk@desk.test', to: 'yes@far.example', subject: 'x', text: 'x' });
    await t.sendMail({ from: 'desk@desk.test', to: 'dsn@far.example', subject: 'x', text: 'x', messageId: '<will-bounce@desk.test>' });
    t.close();
    off();
    assert.deepEqual(got, ['yes@far.example']);
    const c = new ImapFlow({ host: '127.0.0.1', port: mail.imapPort, secure: false, auth: { user: 'desk', pass: 'pw' }, logger: false });
    await c.connect();
    try {
      const deadline = Date.now() + 5000;
      let dsn;
      while (!dsn && Date.now() < deadline) {
        await c.mailboxOpen('INBOX');
        dsn = (await c.fetchAll('1:*', { envelope: true, source: true })).find((m) => m.envelope?.subject === 'Undelivered Mail Returned to Sender');
        if (!dsn) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(dsn, 'a DSN came back');
      assert.match(dsn.source!.toString(), /multipart\/report; report-type=delivery-status/);
      assert.match(dsn.source!.toString(), /Message-ID: <will-bounce@desk\.test>/);
    } finally {
      await c.logout();
    }
  });

  it('stop() ends Dovecot: no orphan', async () => {
    const pid = mail.dovecotPid;
    assert.ok(alive(pid));
    await mail.stop();
    assert.equal(alive(pid), false);
  });
});
