// Opaque page cursors: base64url of the sort key of the last item seen (an id, or a time and an id).
// Every paged listing uses these two functions; a cursor we did not hand out is an InvalidCursorError.

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('not a cursor this API returned');
  }
}

type Part = 'string' | 'number';
type Parts<K extends readonly Part[]> = { [I in keyof K]: K[I] extends 'number' ? number : string };

const MAX_CURSOR = 400;

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries, checked against the parts a listing sorts by. */
export function decodeCursor<const K extends readonly Part[]>(cursor: string, parts: K): Parts<K> {
  if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const ok =
    Array.isArray(key) &&
    key.length === parts.length &&
    key.every((v, i) => (parts[i] === 'number' ? Number.isFinite(v) : typeof v === 'string' && v.length > 0 && v.length <= 200));
  if (!ok) throw new InvalidCursorError();
  return key as Parts<K>;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; absent on the last one. */
  next?: string;
}

/** Cuts a result fetched with one item too many into a page and the next page's cursor. */
export function toPage<T>(fetched: T[], limit: number, keyOf: (last: T) => (string | number)[]): Page<T> {
  const items = fetched.slice(0, limit);
  const last = items.at(-1);
  return fetched.length > limit && last !== undefined ? { items, next: encodeCursor(keyOf(last)) } : { items };
}
