// The sandbox mail system (SMTP + Dovecot IMAP) for tests: started lazily, once per mocha run.
// Dovecot is spawned through the stack's process registry, so the root hook stops it with the rest.
import { startMailSystem, type MailSystem } from '../../sandbox/mail';
import { startProcess, tempDir } from './stack';
import type { SignalDefinition } from '@temporalio/common';
import { GONE, type Gone, type Signaler } from '../../temporal/edge';

export const MAIL_DOMAIN = 'folio.test';
/** One mailbox per test file keeps their inboxes apart on the shared server. */
export const MAIL_USERS = ['folios', 'roundtrip', 'monitor', 'edges', 'scratch', 'imapdrill', 'requests', 'sender', 'poison', 'split', 'atrest'].map((user) => ({ user, pass: `${user}-pw` }));

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

/** Config for one test file: its own mailbox (`user`) on the shared mail system. */
export function mailEnv(mail: MailSystem, user: string): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(mail.smtpPort),
    IMAP_HOST: '127.0.0.1',
    IMAP_PORT: String(mail.imapPort),
    IMAP_USER: user,
    IMAP_PASS: `${user}-pw`,
    IMAP_MAILBOX: 'INBOX',
    MAIL_FROM: `Folio Desk <${user}@${MAIL_DOMAIN}>`,
    MAIL_REPLY_DOMAIN: MAIL_DOMAIN,
    // sender checks (DKIM, SPF, DMARC) ask the mail system's own DNS
    MAIL_AUTH_DNS: `127.0.0.1:${mail.dnsPort}`,
  };
}

/** A Signaler that records what the monitor would tell Temporal (the Temporal edge is the network edge). */
export class RecordingSignaler implements Signaler {
  readonly calls: { workflowId: string; signalName: string; arg: unknown }[] = [];
  /** Workflow ids that behave as if their workflow had ended. */
  readonly gone = new Set<string>();
  /** When set, every signal fails as if Temporal were unreachable. */
  failing: Error | undefined;

  async send<A extends unknown[]>(workflowId: string, def: SignalDefinition<A>, ...args: A): Promise<'sent' | Gone> {
    if (this.failing) throw this.failing;
    if (this.gone.has(workflowId)) return GONE;
    this.calls.push({ workflowId, signalName: def.name, arg: args[0] });
    return 'sent';
  }

  to(workflowId: string, signalName?: string) {
    return this.calls.filter((c) => c.workflowId === workflowId && (!signalName || c.signalName === signalName));
  }

  async waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; signals so far: ${JSON.stringify(this.calls.map((c) => [c.workflowId, c.signalName]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
