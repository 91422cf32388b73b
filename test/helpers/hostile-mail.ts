// Hostile inputs a mailbox receives, built to size: a PDF of many pages, a delivery report listing a crowd
// of recipients, a message of more MIME parts than a parser takes.

/** A valid PDF of `pages` pages sharing one small content stream (about 100 bytes a page). */
export function manyPagePdf(pages: number, text = 'page'): Buffer {
  const parts: string[] = ['%PDF-1.4\n'];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  const obj = (n: number, body: string) => {
    offsets[n] = length;
    const s = `${n} 0 obj\n${body}\nendobj\n`;
    parts.push(s);
    length += s.length;
  };
  const first = 5;
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) kids.push(`${first + i} 0 R`);
  obj(2, `<< /Type /Pages /Count ${pages} /Kids [${kids.join(' ')}] >>`);
  obj(3, `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  obj(4, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 0; i < pages; i++) obj(first + i, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>');
  const count = first + pages;
  const xref = [`xref\n0 ${count}\n`, '0000000000 65535 f \n'];
  for (let n = 1; n < count; n++) xref.push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  parts.push(...xref, `trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** A delivery report (multipart/report) from `reportingDomain`'s mailer daemon naming these failed addresses, and no original message. */
export function deliveryReport(opts: { to: string; messageId: string; reportingDomain: string; failed: string[] }): Buffer {
  const boundary = 'delivery-report';
  return Buffer.from(
    [
      `From: Mail Delivery System <MAILER-DAEMON@${opts.reportingDomain}>`,
      `To: ${opts.to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: ${opts.messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      `Delivery to ${opts.failed.length === 1 ? `<${opts.failed[0]}>` : 'the following recipients'} failed.`,
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; mx.${opts.reportingDomain}`,
      '',
      ...opts.failed.map((a) => `Final-Recipient: rfc822; ${a}`),
      'Action: failed',
      'Status: 5.1.1',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

/** A delivery report naming `recipients` made-up addresses of about `addressLength` characters each. */
export function crowdDeliveryReport(opts: { to: string; messageId: string; recipients: number; addressLength?: number }): Buffer {
  const pad = 'x'.repeat(Math.max(0, (opts.addressLength ?? 92) - 40));
  const failed = Array.from({ length: opts.recipients }, (_, i) => `guest-${String(i).padStart(6, '0')}.${pad}@mass-mailing.example`);
  return deliveryReport({ to: opts.to, messageId: opts.messageId, reportingDomain: 'mass-mailing.example', failed });
}

/** A message of `parts` text parts (mailparser refuses more than 1,000 MIME nodes). */
export function manyPartMessage(opts: { from: string; to: string; messageId: string; parts: number }): Buffer {
  const boundary = 'many-parts';
  const body: string[] = [];
  for (let i = 0; i < opts.parts; i++) body.push(`--${boundary}`, 'Content-Type: text/plain', '', `part ${i}`);
  return Buffer.from([`From: ${opts.from}`, `To: ${opts.to}`, 'Subject: many parts', `Message-ID: ${opts.messageId}`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...body, `--${boundary}--`, ''].join('\r\n'));
}
