// The sandbox mail system as a process (`tsx sandbox/mail/run.ts [--delay-ms N]`): SMTP and Dovecot IMAP
// on the configured ports, data under DATA_DIR/mail, and the simulated hotels of the hotels collection
// answering by their `sandboxProfile`. --delay-ms replaces every profile's reply delay (demos).
import path from 'node:path';
import { loadConfig } from '../../config';
import { logger } from '../../config/logger';
import { Store } from '../../adapters/mongo/store';
import { startMailResponder, storeDirectory } from '../hotels/mail-responder';
import { startMailSystem } from './index';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.MODE !== 'sandbox') throw new Error('the sandbox mail system runs only with MODE=sandbox');
  const i = process.argv.indexOf('--delay-ms');
  const delayMs = i > 0 ? Number(process.argv[i + 1]) : undefined;
  if (delayMs !== undefined && !(delayMs >= 0)) throw new Error('--delay-ms needs a number of milliseconds');

  const store = await Store.connect(config.MONGODB_URI, config.MONGODB_DB);
  const mail = await startMailSystem({
    dataDir: path.resolve(config.DATA_DIR, 'mail'),
    smtpPort: config.SMTP_PORT,
    imapPort: config.IMAP_PORT,
    domain: config.MAIL_REPLY_DOMAIN,
    users: [{ user: config.IMAP_USER, pass: config.IMAP_PASS }],
  });
  const directory = storeDirectory(store);
  await directory.refresh();
  const responder = startMailResponder({ mail, directory, delayMs, logger });
  logger.info({ smtp: mail.smtpPort, imap: mail.imapPort, domain: mail.domain, dovecotPid: mail.dovecotPid }, 'sandbox mail system up');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  directory.stop();
  await responder.stop();
  await mail.stop();
  await store.close();
  logger.info('sandbox mail system stopped');
}

main().catch((e: unknown) => {
  logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'sandbox mail system failed');
  process.exit(1);
});
