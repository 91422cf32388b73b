// The sandbox mail system wired to the sandbox's hotels: SMTP, Dovecot IMAP and the mail DNS on the configured
// ports, data under DATA_DIR/mail, and each stored hotel with a `sandboxProfile` answering as that profile says.
// As a process: `tsx sandbox/mail/run.ts [--delay-ms N]` (--delay-ms replaces every profile's delay).
import path from 'node:path';
import type { Config } from '../../config';
import { loadConfig } from '../../config';
import { logger as rootLogger, type Logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { startMailResponder, storeDirectory, type MailResponder } from '../hotels/mail-responder';
import { startMailSystem, type MailSystem } from './index';
import { mailAuthDns } from '../../adapters/email/sender-auth';

/** For sandbox/server.ts (or any sandbox host): the mail system plus the simulated hotels. */
export async function startSandboxMail(opts: { config: Config; store: Store; delayMs?: number; logger?: Logger }): Promise<{ mail: MailSystem; responder: MailResponder; stop(): Promise<void> }> {
  const { config } = opts;
  if (config.MODE !== 'sandbox') throw new Error('the sandbox mail system runs only with MODE=sandbox');
  const mail = await startMailSystem({
    dataDir: path.resolve(config.DATA_DIR, 'mail'),
    smtpPort: config.SMTP_PORT,
    imapPort: config.IMAP_PORT,
    domain: config.MAIL_REPLY_DOMAIN,
    users: [{ user: config.IMAP_USER, pass: config.IMAP_PASS }],
    // the DNS the inbox monitor's sender check asks (MAIL_AUTH_DNS)
    dnsPort: Number(mailAuthDns(config)?.split(':').pop()),
  });
  const directory = storeDirectory(opts.store);
  await directory.refresh();
  const responder = startMailResponder({ mail, directory, delayMs: opts.delayMs, logger: opts.logger ?? rootLogger });
  (opts.logger ?? rootLogger).info({ smtp: mail.smtpPort, imap: mail.imapPort, domain: mail.domain, dovecotPid: mail.dovecotPid }, 'sandbox mail system up');
  return {
    mail,
    responder,
    async stop() {
      directory.stop();
      await responder.stop();
      await mail.stop();
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const i = process.argv.indexOf('--delay-ms');
  const delayMs = i > 0 ? Number(process.argv[i + 1]) : undefined;
  if (delayMs !== undefined && !(delayMs >= 0)) throw new Error('--delay-ms needs a number of milliseconds');
  const store = await Store.forConfig(config);
  const sandbox = await startSandboxMail({ config, store, delayMs });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sandbox.stop();
  await store.close();
  rootLogger.info('sandbox mail system stopped');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    rootLogger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'sandbox mail system failed');
    process.exit(1);
  });
}
