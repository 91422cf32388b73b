// Log redaction by key name at any depth: guest names, confirmation numbers, email addresses, phone numbers,
// tokens, secrets, passwords and credentials never reach a log line, however deeply they are nested.
import { stdSerializers } from 'pino';

export const CENSOR = '[redacted]';

/** Exact key names (compared lower-case, without `_`, `-` or `.`) whose values are personal data or secrets. */
const EXACT = new Set([
  'guest', 'guests', 'guestname', 'guestnames', 'firstname', 'lastname', 'fullname',
  'confirmationnumber', 'confirmationnumbers', 'confirmation', 'confirmationno', 'bookingreference',
  'email', 'emails', 'emailaddress', 'mail', 'to', 'cc', 'bcc', 'replyto', 'from', 'sender', 'recipient', 'recipients',
  'phone', 'phones', 'phonenumber', 'number', 'caller', 'called', 'callbacknumber',
  'authorization', 'cookie', 'setcookie', 'xapikey', 'apikey', 'password', 'pass', 'passwd', 'credentials',
  'transcript', 'text', 'html', 'body', 'content', 'pages',
]);
/** Endings that mark a value as personal data or a secret whatever comes before (hotelEmail, replyToken, smtpPass). */
const SUFFIXES = ['guestname', 'email', 'emails', 'phone', 'phonenumber', 'token', 'secret', 'secrets', 'password', 'pass', 'passwd', 'credentials', 'cookie', 'apikey', 'privatekey', 'authorization', 'confirmationnumber'];

const normal = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

/** Whether the value under this key is withheld from logs. */
export function isSensitiveKey(key: string): boolean {
  const k = normal(key);
  return EXACT.has(k) || SUFFIXES.some((s) => k.endsWith(s));
}

const MAX_DEPTH = 32;

/** A copy of `value` with every sensitive key's value replaced, at any depth (arrays, errors and their causes included). */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    // An error becomes what the logger would print for it (type, message, stack, own fields), then redacted.
    if (value instanceof Error) return redactDeep(stdSerializers.err(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
    if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
    // Objects with their own JSON form (ObjectId, Decimal128, URL…) are logged as that form.
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    const source = typeof toJSON === 'function' && Object.getPrototypeOf(value) !== Object.prototype ? toJSON.call(value) : value;
    if (source === null || typeof source !== 'object') return source;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      out[k] = isSensitiveKey(k) && v !== undefined && v !== null ? CENSOR : redactDeep(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
