// The sandbox mail system (SMTP + Dovecot IMAP) for tests: started lazily, once per mocha run.
// Dovecot is spawned through the stack's process registry, so the root hook stops it with the rest.
import { startMailSystem, type MailSystem } from '../../sandbox/mail';
import { startProcess, tempDir } from './stack';

export const MAIL_DOMAIN = 'folio.test';
export const MAIL_USERS = [
  { user: 'folios', pass: 'folios' },
  { user: 'scratch', pass: 'scratch' },
];

let started: Promise<MailSystem> | undefined;

export function startMail(): Promise<MailSystem> {
  started ??= startMailSystem({
    dataDir: tempDir('mail'),
    domain: MAIL_DOMAIN,
    users: MAIL_USERS,
    spawn: (cmd, args) => startProcess(cmd, args),
  });
  return started;
}
