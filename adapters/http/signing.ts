// Timestamped HMAC-SHA256 signatures over a raw body (`t=<unix seconds>,v1=<hex>[,v1=<hex>…]`): how our
// delivery webhooks are signed, and how signed requests to us (ElevenLabs, scheme v0) are checked. Every
// comparison is constant-time, so a forger learns nothing from how long a refusal takes.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const hmacHex = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** Constant-time equality of two secrets, e.g. hex digests or reply tokens (a different length is unequal, without a shortcut on content). */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // the same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}

/**
 * One header signing `body` with every given secret (a rotation's overlap: the new secret and the old both
 * sign, so a receiver holding either verifies).
 */
export function signBody(secrets: readonly string[], body: string, t = Math.floor(Date.now() / 1000), scheme = 'v1'): string {
  if (secrets.length === 0) throw new Error('no signing secret');
  return [`t=${t}`, ...secrets.map((s) => `${scheme}=${hmacHex(s, t, body)}`)].join(',');
}

export interface VerifyOptions {
  /** Oldest accepted timestamp, in seconds before now (default 300). */
  toleranceSeconds?: number;
  /** Accepted timestamp in the future, in seconds (default 300). */
  futureSeconds?: number;
  scheme?: string;
  now?: number;
}

/** True when a signature of the header's scheme matches one of `secrets` and its timestamp is recent. */
export function verifyBody(secrets: string | readonly string[], body: string, header: string, opts: VerifyOptions = {}): boolean {
  const scheme = opts.scheme ?? 'v1';
  const fields = header.split(',').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? ['', ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
  });
  const ts = fields.filter(([k]) => k === 't');
  const t = ts.length === 1 && /^\d{1,12}$/.test(ts[0]![1]!) ? Number(ts[0]![1]) : NaN;
  const now = (opts.now ?? Date.now()) / 1000;
  if (!Number.isInteger(t) || now - t > (opts.toleranceSeconds ?? 300) || t - now > (opts.futureSeconds ?? 300)) return false;
  const given = fields.filter(([k]) => k === scheme).map(([, v]) => v!);
  let ok = false;
  // Every pair is compared (no early exit), so the time taken does not tell which secret or which part matched.
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = hmacHex(secret, t, body);
    for (const g of given) ok = digestsEqual(expected, g) || ok;
  }
  return ok;
}
