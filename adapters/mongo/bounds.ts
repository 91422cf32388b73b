// Size bounds on what inbound input writes: a record built from a sender's message (a reason naming its
// recipients, its subject, its attachment names) never grows with the message, far below the 16 MB
// document limit, so no message can make its own record unstorable.

/** The string cut to `max` characters (with an ellipsis when cut). */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The first `max` items. */
export function firstOf<T>(xs: readonly T[] | undefined, max: number): T[] {
  return (xs ?? []).slice(0, max);
}

export const BOUNDS = Object.freeze({ address: 320, subject: 500, reason: 2000, excerpt: 2000, filename: 200, ids: 200, items: 50 });
