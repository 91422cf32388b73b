// Content type from the bytes themselves: a file name or a sender's Content-Type header can lie.

const startsWith = (bytes: Buffer, sig: number[], at = 0): boolean =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

export function sniffContentType(bytes: Buffer): string {
  if (bytes.length === 0) return 'application/octet-stream';
  // PDF readers accept the header anywhere in the first kilobyte (some mailers prepend junk).
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  return sniffText(bytes.subarray(0, 4096));
}

function sniffText(head: Buffer): string {
  const bomless = startsWith(head, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head;
  // Control bytes other than tab/CR/LF/FF mean binary.
  for (const b of bomless) if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) return 'application/octet-stream';
  const text = bomless.toString('utf8');
  if (text.includes('\ufffd') && !isLikelyLatin1(bomless)) return 'application/octet-stream';
  if (/^\s*(<!doctype html|<html|<head|<body|<table|<div|<p[\s>])/i.test(text)) return 'text/html';
  return 'text/plain';
}

// Latin-1 text (common in older hotel systems) is not valid UTF-8 but is still text.
function isLikelyLatin1(bytes: Buffer): boolean {
  let high = 0;
  for (const b of bytes) if (b >= 0x80) high++;
  return high / Math.max(1, bytes.length) < 0.3;
}
