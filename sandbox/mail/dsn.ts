// Delivery status notifications (RFC 3464) as a receiving MTA sends them when it gives up on a recipient.
import { randomUUID } from 'node:crypto';

export function buildDsn(opts: { reportingDomain: string; to: string; failedRecipient: string; diagnostic: string; original: Buffer }): Buffer {
  const boundary = `dsn-${randomUUID()}`;
  const headerEnd = opts.original.indexOf('\r\n\r\n');
  const originalHeaders = (headerEnd >= 0 ? opts.original.subarray(0, headerEnd) : opts.original).toString('utf8');
  const date = new Date().toUTCString();
  const text = [
    `From: Mail Delivery System <MAILER-DAEMON@${opts.reportingDomain}>`,
    `To: <${opts.to}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${date}`,
    `Message-ID: <dsn-${randomUUID()}@${opts.reportingDomain}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message could not be delivered to <${opts.failedRecipient}>.`,
    `${opts.diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${opts.reportingDomain}`,
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822; ${opts.failedRecipient}`,
    'Action: failed',
    'Status: 5.1.1',
    `Diagnostic-Code: smtp; ${opts.diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(text, 'utf8');
}
