// Batching of one hotel's pending work: folios due at the same hotel are asked for in one call or one email.
// Pure: the hotel dispatch workflow keeps the pending list in its state and asks these functions what to do.
import type { BatchGuest, CallDisposition, GuestOutcome } from './model';

/** What a folio asks its hotel's dispatcher for: a call, a written request or a reminder. */
export type DispatchKind = 'call' | 'email' | 'reminder';
export interface DispatchItem {
  kind: DispatchKind;
  guest: BatchGuest;
  /** Reminders thread onto the folio's earlier request. */
  threadMessageId?: string;
  /** Earliest time to act (ms since epoch), e.g. a retry's backoff. */
  notBefore?: number;
  /**
   * A call item that may go as a written request instead, once the hotel agreed on the phone to send folios: the
   * folio's first ask of the hotel, with nothing particular to say (no callback it promised, no re-ask, no "did our
   * email arrive?"), to an address not known to be bad.
   */
  mayGoInWriting?: boolean;
}

export interface BatchPolicy {
  /** How long a newly seen item waits for others to join it. */
  windowMs: number;
  maxGuestsPerCall: number;
  /** Also caps reminders, which are emails too. */
  maxGuestsPerEmail: number;
  /**
   * Call once, email the rest: for this long after a person at the hotel agreed on the phone to send folios, call
   * items that may go in writing go as one written request instead of another call. 0 or absent: never.
   */
  emailAfterAgreementMs?: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = Object.freeze({ windowMs: 120_000, maxGuestsPerCall: 8, maxGuestsPerEmail: 20 });

/** A call's opening before the first guest (greeting, recording notice, being put through to the desk). */
export const CALL_OPENING_SECONDS = 30;
/** Roughly what one guest takes on the phone: name, dates, confirmation number, the answer. */
export const SECONDS_PER_GUEST = 35;
/** However long the line may run, the desk is not asked about more guests than this in one call. */
export const MAX_GUESTS_PER_CALL = 20;

/**
 * Guests to ask about in one call: as many as fit before the call overflows (the rest would go by email
 * anyway), at least one, at most MAX_GUESTS_PER_CALL.
 */
export function guestsPerCall(overflowSeconds: number, secondsPerGuest = SECONDS_PER_GUEST, openingSeconds = CALL_OPENING_SECONDS): number {
  if (!(overflowSeconds > 0) || !(secondsPerGuest > 0) || !(openingSeconds >= 0)) {
    throw new RangeError(`guestsPerCall needs a positive overflow and time per guest, got ${overflowSeconds} s and ${secondsPerGuest} s`);
  }
  return Math.min(MAX_GUESTS_PER_CALL, Math.max(1, Math.floor((overflowSeconds - openingSeconds) / secondsPerGuest)));
}

/** A person at the hotel agreed on a call to send folios (for at least one guest): where to, when, on which call. */
export interface PhoneAgreement {
  callId: string;
  at: number;
  /** The address the hotel gave for folios on that call, if it gave one. */
  email?: string;
}

/** What a finished call tells the dispatcher about the hotel: an agreement, when a person agreed to send a folio. */
export function agreementFrom(result: { callId: string; disposition: CallDisposition; outcomes: Record<string, GuestOutcome> }, nowMs: number): PhoneAgreement | undefined {
  if (result.disposition !== 'conversation') return undefined;
  const agreed = Object.values(result.outcomes).filter((o): o is Extract<GuestOutcome, { kind: 'agreed' }> => o?.kind === 'agreed');
  if (agreed.length === 0) return undefined;
  const email = agreed.find((o) => o.email)?.email;
  return { callId: result.callId, at: nowMs, ...(email && { email }) };
}

/**
 * What a finished call does to the hotel's agreement: a conversation replaces it (with the agreement it brought, or
 * null: a person spoke and agreed to nothing, so an earlier agreement no longer holds); a call nobody answered says
 * nothing about it (undefined).
 */
export function agreementAfterCall(result: Parameters<typeof agreementFrom>[0], nowMs: number): PhoneAgreement | null | undefined {
  if (result.disposition !== 'conversation') return undefined;
  return agreementFrom(result, nowMs) ?? null;
}

/**
 * Call once, email the rest: the call items to send as one written request now instead of calling, because the
 * hotel agreed on the phone within the policy's window and there is an address to write to. Only items that may go
 * in writing and are ready (window closed, backoff over); as many as one email takes, oldest first. undefined: call.
 */
export function writtenFollowUp(
  pending: PendingItem[],
  agreement: PhoneAgreement | undefined,
  nowMs: number,
  policy: BatchPolicy,
  hasAddress: boolean,
): { items: PendingItem[]; agreement: PhoneAgreement } | undefined {
  requirePolicy(policy);
  const holdsMs = policy.emailAfterAgreementMs ?? 0;
  if (!agreement || !(holdsMs > 0) || nowMs - agreement.at > holdsMs || nowMs < agreement.at) return undefined;
  if (!hasAddress && !agreement.email) return undefined;
  const eligible = pending.filter((p) => p.kind === 'call' && p.mayGoInWriting === true);
  const batch = takeBatch(eligible, nowMs, { ...policy, maxGuestsPerCall: policy.maxGuestsPerEmail });
  if (!batch) return undefined;
  return { items: batch.items, agreement };
}

export interface PendingItem extends DispatchItem {
  /** When this folio was first seen for this kind; a replacement keeps it so re-enqueueing never postpones a batch. */
  enqueuedAt: number;
}

/** Tie-break order when two kinds have equally old ready items. */
const KIND_ORDER: readonly DispatchKind[] = ['call', 'email', 'reminder'];

function readyAt(item: PendingItem, policy: BatchPolicy): number {
  return Math.max(item.notBefore ?? -Infinity, item.enqueuedAt + policy.windowMs);
}

function maxGuests(kind: DispatchKind, policy: BatchPolicy): number {
  return kind === 'call' ? policy.maxGuestsPerCall : policy.maxGuestsPerEmail;
}

function requirePolicy(policy: BatchPolicy): void {
  const { windowMs, maxGuestsPerCall, maxGuestsPerEmail, emailAfterAgreementMs } = policy;
  if (
    !(windowMs >= 0) ||
    !Number.isInteger(maxGuestsPerCall) ||
    maxGuestsPerCall < 1 ||
    !Number.isInteger(maxGuestsPerEmail) ||
    maxGuestsPerEmail < 1 ||
    (emailAfterAgreementMs !== undefined && !(emailAfterAgreementMs >= 0))
  ) {
    throw new RangeError(`invalid batch policy ${JSON.stringify(policy)}: windowMs >= 0, whole maxima >= 1 and emailAfterAgreementMs >= 0 are required`);
  }
}

/** Earliest moment any pending item may be acted on (max(notBefore, firstSeenAt + windowMs)); undefined when none pending. */
export function nextBatchAt(pending: PendingItem[], policy: BatchPolicy): number | undefined {
  requirePolicy(policy);
  if (pending.length === 0) return undefined;
  return Math.min(...pending.map((i) => readyAt(i, policy)));
}

/**
 * The batch to run now: the kind whose earliest ready item is oldest (ties: call, then email, then reminder); all
 * ready items of that kind — once one item is ready, every item of the same kind whose notBefore <= now joins it —
 * de-duplicated by folioId (the latest item per folio wins), capped at the kind's max (oldest first).
 * undefined when nothing is ready.
 */
export function takeBatch(pending: PendingItem[], nowMs: number, policy: BatchPolicy): { kind: DispatchKind; items: PendingItem[] } | undefined {
  requirePolicy(policy);
  let chosen: { kind: DispatchKind; oldest: number } | undefined;
  for (const kind of KIND_ORDER) {
    const ready = pending.filter((i) => i.kind === kind && readyAt(i, policy) <= nowMs);
    if (ready.length === 0) continue;
    const oldest = Math.min(...ready.map((i) => i.enqueuedAt));
    if (!chosen || oldest < chosen.oldest) chosen = { kind, oldest };
  }
  if (!chosen) return undefined;
  const kind = chosen.kind;

  const latestPerFolio = new Map<string, PendingItem>();
  for (const item of pending) {
    if (item.kind !== kind || (item.notBefore ?? -Infinity) > nowMs) continue;
    const seen = latestPerFolio.get(item.guest.folioId);
    if (!seen || item.enqueuedAt >= seen.enqueuedAt) latestPerFolio.set(item.guest.folioId, item);
  }
  const items = [...latestPerFolio.values()].sort((a, b) => a.enqueuedAt - b.enqueuedAt).slice(0, maxGuests(kind, policy));
  return { kind, items };
}

/** Adds or replaces (same folioId and kind) an item. Pure: returns a new array. */
export function enqueue(pending: PendingItem[], item: DispatchItem, nowMs: number): PendingItem[] {
  if (!KIND_ORDER.includes(item.kind)) throw new RangeError(`unknown dispatch kind "${String(item.kind)}"`);
  if (!item.guest?.folioId) throw new RangeError('a dispatch item needs guest.folioId');
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite epoch-ms number, got ${nowMs}`);
  if (item.notBefore !== undefined && !Number.isFinite(item.notBefore)) throw new RangeError(`notBefore must be a finite epoch-ms number, got ${item.notBefore}`);
  const same = (p: PendingItem) => p.kind === item.kind && p.guest.folioId === item.guest.folioId;
  const existing = pending.filter(same);
  const enqueuedAt = existing.length > 0 ? Math.min(...existing.map((p) => p.enqueuedAt)) : nowMs;
  const at = pending.findIndex(same);
  const rest = pending.filter((p) => !same(p));
  const next: PendingItem = { ...item, enqueuedAt };
  if (at < 0) return [...rest, next];
  // Keep the replaced item's place so the list still reads in arrival order.
  const before = pending.slice(0, at).filter((p) => !same(p)).length;
  return [...rest.slice(0, before), next, ...rest.slice(before)];
}

/** Removes every item of a folio. */
export function withdraw(pending: PendingItem[], folioId: string): PendingItem[] {
  return pending.filter((p) => p.guest.folioId !== folioId);
}

/** Removes what a batch took (and any older duplicate of it), once the workflow has started acting on it. */
export function removeBatch(pending: PendingItem[], batch: { kind: DispatchKind; items: PendingItem[] }): PendingItem[] {
  const taken = new Set(batch.items.map((i) => i.guest.folioId));
  return pending.filter((p) => p.kind !== batch.kind || !taken.has(p.guest.folioId));
}
