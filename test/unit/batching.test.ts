import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  agreementAfterCall,
  agreementFrom,
  DEFAULT_BATCH_POLICY,
  enqueue,
  guestsPerCall,
  MAX_GUESTS_PER_CALL,
  nextBatchAt,
  removeBatch,
  takeBatch,
  withdraw,
  writtenFollowUp,
  type BatchPolicy,
  type DispatchItem,
  type DispatchKind,
  type PendingItem,
} from '../../domain/batching';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const WINDOW = DEFAULT_BATCH_POLICY.windowMs;

function item(folioId: string, kind: DispatchKind = 'call', notBefore?: number): DispatchItem {
  return {
    kind,
    guest: { folioId, workflowId: `folio-${folioId}`, guestName: `Guest ${folioId}`, confirmationNumber: `CN-${folioId}`, checkIn: '2026-11-28', checkOut: '2026-12-01' },
    ...(notBefore !== undefined && { notBefore }),
  };
}
function pending(...entries: [string, DispatchKind, number, number?][]): PendingItem[] {
  return entries.map(([folioId, kind, enqueuedAt, notBefore]) => ({ ...item(folioId, kind, notBefore), enqueuedAt }));
}
const folios = (batch: { items: PendingItem[] } | undefined) => batch?.items.map((i) => i.guest.folioId);

describe('batching', () => {
  it('has the documented default policy', () => {
    assert.deepEqual({ ...DEFAULT_BATCH_POLICY }, { windowMs: 120_000, maxGuestsPerCall: 8, maxGuestsPerEmail: 20 });
  });

  describe('guests per call', () => {
    it('asks about as many guests as fit before the call overflows: 14 in the default 9 minutes at 35 s each', () => {
      assert.equal(guestsPerCall(540), 14);
      assert.equal(guestsPerCall(540, 60), 8);
      assert.equal(guestsPerCall(300), 7);
    });
    it('never fewer than one, never more than the cap, and refuses nonsense', () => {
      assert.equal(guestsPerCall(30), 1);
      assert.equal(guestsPerCall(3600), MAX_GUESTS_PER_CALL);
      assert.throws(() => guestsPerCall(0), /positive overflow/);
      assert.throws(() => guestsPerCall(540, Number.NaN), /positive overflow/);
    });
  });

  describe('enqueue and withdraw', () => {
    it('adds an item stamped with the time it was first seen, without touching the input', () => {
      const before = Object.freeze([] as PendingItem[]);
      const after = enqueue(before as PendingItem[], item('a'), T0);
      assert.equal(before.length, 0);
      assert.deepEqual(after, [{ ...item('a'), enqueuedAt: T0 }]);
    });
    it('replaces the same folio and kind in place, keeping when it was first seen', () => {
      let p = enqueue([], item('a'), T0);
      p = enqueue(p, item('b'), T0 + 1);
      p = enqueue(p, item('a', 'call', T0 + 60_000), T0 + 5_000);
      assert.deepEqual(folios({ items: p }), ['a', 'b']);
      assert.equal(p[0].enqueuedAt, T0);
      assert.equal(p[0].notBefore, T0 + 60_000);
    });
    it('keeps a folio apart per kind', () => {
      const p = enqueue(enqueue([], item('a', 'call'), T0), item('a', 'email'), T0);
      assert.deepEqual(p.map((i) => i.kind), ['call', 'email']);
    });
    it('refuses an item it could not batch', () => {
      assert.throws(() => enqueue([], { ...item('a'), kind: 'fax' as DispatchKind }, T0), /unknown dispatch kind "fax"/);
      assert.throws(() => enqueue([], item(''), T0), /guest.folioId/);
      assert.throws(() => enqueue([], item('a', 'call', Number.NaN), T0), /notBefore/);
    });
    it('withdraw removes every item of a folio, of every kind', () => {
      const p = pending(['a', 'call', T0], ['a', 'reminder', T0], ['b', 'call', T0]);
      assert.deepEqual(withdraw(p, 'a').map((i) => i.guest.folioId), ['b']);
      assert.equal(p.length, 3);
    });
  });

  describe('nextBatchAt', () => {
    it('is undefined with nothing pending', () => {
      assert.equal(nextBatchAt([], DEFAULT_BATCH_POLICY), undefined);
    });
    it('is the end of the window of the oldest item, or a later notBefore', () => {
      assert.equal(nextBatchAt(pending(['a', 'call', T0], ['b', 'call', T0 + 30_000]), DEFAULT_BATCH_POLICY), T0 + WINDOW);
      assert.equal(nextBatchAt(pending(['a', 'call', T0, T0 + 600_000]), DEFAULT_BATCH_POLICY), T0 + 600_000);
      assert.equal(nextBatchAt(pending(['a', 'call', T0, T0 + 600_000], ['b', 'email', T0 + 10_000]), DEFAULT_BATCH_POLICY), T0 + 10_000 + WINDOW);
    });
    it('refuses a nonsensical policy', () => {
      assert.throws(() => nextBatchAt([], { windowMs: 1000, maxGuestsPerCall: 0, maxGuestsPerEmail: 20 }), /invalid batch policy/);
    });
  });

  describe('takeBatch', () => {
    it('waits for the window to close', () => {
      const p = pending(['a', 'call', T0]);
      assert.equal(takeBatch(p, T0 + WINDOW - 1, DEFAULT_BATCH_POLICY), undefined);
      assert.deepEqual(folios(takeBatch(p, T0 + WINDOW, DEFAULT_BATCH_POLICY)), ['a']);
    });
    it('lets items of the same kind that arrived during the window join the ready one', () => {
      const p = pending(['a', 'call', T0], ['b', 'call', T0 + 100_000], ['c', 'email', T0 + 100_000]);
      const batch = takeBatch(p, T0 + WINDOW, DEFAULT_BATCH_POLICY);
      assert.equal(batch?.kind, 'call');
      assert.deepEqual(folios(batch), ['a', 'b']);
    });
    it('leaves out an item whose notBefore (a retry backoff) is still ahead', () => {
      const p = pending(['a', 'call', T0], ['b', 'call', T0, T0 + 3_600_000]);
      assert.deepEqual(folios(takeBatch(p, T0 + WINDOW, DEFAULT_BATCH_POLICY)), ['a']);
      assert.deepEqual(folios(takeBatch(p, T0 + 3_600_000, DEFAULT_BATCH_POLICY)), ['a', 'b']);
    });
    it('chooses the kind whose ready item is oldest', () => {
      const p = pending(['a', 'call', T0 + 1_000], ['b', 'email', T0]);
      assert.equal(takeBatch(p, T0 + 1_000 + WINDOW, DEFAULT_BATCH_POLICY)?.kind, 'email');
    });
    it('breaks ties call, then email, then reminder', () => {
      const now = T0 + WINDOW;
      assert.equal(takeBatch(pending(['a', 'reminder', T0], ['b', 'email', T0], ['c', 'call', T0]), now, DEFAULT_BATCH_POLICY)?.kind, 'call');
      assert.equal(takeBatch(pending(['a', 'reminder', T0], ['b', 'email', T0]), now, DEFAULT_BATCH_POLICY)?.kind, 'email');
      assert.equal(takeBatch(pending(['a', 'reminder', T0]), now, DEFAULT_BATCH_POLICY)?.kind, 'reminder');
    });
    it('ignores a kind whose oldest item is not ready yet', () => {
      const p = pending(['a', 'call', T0, T0 + 3_600_000], ['b', 'email', T0 + 5_000]);
      assert.equal(takeBatch(p, T0 + 5_000 + WINDOW, DEFAULT_BATCH_POLICY)?.kind, 'email');
    });
    it('caps a call at 8 guests and an email or reminder at 20, oldest first', () => {
      const calls = Array.from({ length: 12 }, (_, i) => pending([`c${i}`, 'call', T0 + (11 - i) * 1_000])[0]);
      assert.deepEqual(folios(takeBatch(calls, T0 + 11_000 + WINDOW, DEFAULT_BATCH_POLICY)), ['c11', 'c10', 'c9', 'c8', 'c7', 'c6', 'c5', 'c4']);
      const reminders = Array.from({ length: 25 }, (_, i) => pending([`r${i}`, 'reminder', T0 + i])[0]);
      const batch = takeBatch(reminders, T0 + 25 + WINDOW, DEFAULT_BATCH_POLICY);
      assert.equal(batch?.items.length, 20);
      assert.equal(batch?.items[19].guest.folioId, 'r19');
    });
    it('takes one item per folio, the latest', () => {
      const p: PendingItem[] = [
        // Array order and time order disagree on purpose: the later enqueuedAt wins, not the later position.
        { ...item('a', 'call'), threadMessageId: 'new', enqueuedAt: T0 + 2 },
        { ...item('b', 'call'), enqueuedAt: T0 + 1 },
        { ...item('a', 'call'), threadMessageId: 'old', enqueuedAt: T0 },
      ];
      const batch = takeBatch(p, T0 + 2 + WINDOW, DEFAULT_BATCH_POLICY);
      assert.deepEqual(folios(batch), ['b', 'a']);
      assert.equal(batch?.items[1].threadMessageId, 'new');
    });
    it('removeBatch drops what was taken and keeps the rest', () => {
      const p = pending(['a', 'call', T0], ['b', 'call', T0, T0 + 3_600_000], ['a', 'email', T0]);
      const batch = takeBatch(p, T0 + WINDOW, DEFAULT_BATCH_POLICY)!;
      assert.deepEqual(removeBatch(p, batch).map((i) => `${i.kind}:${i.guest.folioId}`), ['call:b', 'email:a']);
    });
  });

  describe('properties', () => {
    const kind = fc.constantFrom<DispatchKind>('call', 'email', 'reminder');
    const offset = fc.integer({ min: 0, max: 600_000 });
    const entry = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), kind, offset, fc.option(offset, { nil: undefined }));
    const list = fc.array(entry, { maxLength: 40 }).map((es) => pending(...es.map(([f, k, e, nb]) => [f, k, T0 + e, nb === undefined ? undefined : T0 + nb] as [string, DispatchKind, number, number?])));
    const policy: fc.Arbitrary<BatchPolicy> = fc.record({ windowMs: fc.integer({ min: 0, max: 300_000 }), maxGuestsPerCall: fc.integer({ min: 1, max: 8 }), maxGuestsPerEmail: fc.integer({ min: 1, max: 20 }) });

    it('a batch holds one kind, one item per folio, no more than the cap, nothing held back by notBefore', () => {
      fc.assert(
        fc.property(list, offset, policy, (p, dt, pol) => {
          const now = T0 + dt;
          const batch = takeBatch(p, now, pol);
          if (!batch) return;
          const ids = batch.items.map((i) => i.guest.folioId);
          assert.equal(new Set(ids).size, ids.length);
          assert.ok(batch.items.every((i) => i.kind === batch.kind && (i.notBefore ?? 0) <= now));
          assert.ok(batch.items.length >= 1 && batch.items.length <= (batch.kind === 'call' ? pol.maxGuestsPerCall : pol.maxGuestsPerEmail));
        }),
        { numRuns: 200 },
      );
    });
    it('nothing is ready before nextBatchAt, and something is at it', () => {
      fc.assert(
        fc.property(list, policy, (p, pol) => {
          const next = nextBatchAt(p, pol);
          if (next === undefined) return assert.equal(p.length, 0);
          assert.equal(takeBatch(p, next - 1, pol), undefined);
          assert.notEqual(takeBatch(p, next, pol), undefined);
        }),
        { numRuns: 200 },
      );
    });
    it('enqueue keeps one item per folio and kind', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), kind, offset)), (steps) => {
          const p = steps.reduce<PendingItem[]>((acc, [f, k, dt]) => enqueue(acc, item(f, k), T0 + dt), []);
          const keys = p.map((i) => `${i.kind}:${i.guest.folioId}`);
          assert.equal(new Set(keys).size, keys.length);
          assert.equal(keys.length, new Set(steps.map(([f, k]) => `${k}:${f}`)).size);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('call once, email the rest', () => {
    const HOLDS = 12 * 3_600_000;
    const policy: BatchPolicy = { ...DEFAULT_BATCH_POLICY, maxGuestsPerEmail: 3, emailAfterAgreementMs: HOLDS };
    const writable = (entries: [string, number][]) => entries.map(([id, at]) => ({ ...pending([id, 'call', at])[0]!, mayGoInWriting: true }));

    it('a conversation in which the desk agreed for any guest is an agreement, with the address it gave', () => {
      const agreed = agreementFrom({ callId: 'call:h:1', disposition: 'conversation', outcomes: { a: { kind: 'refused' }, b: { kind: 'agreed' }, c: { kind: 'agreed', email: 'folios@h.example' } } }, T0);
      assert.deepEqual(agreed, { callId: 'call:h:1', at: T0, email: 'folios@h.example' });
      assert.deepEqual(agreementFrom({ callId: 'c', disposition: 'conversation', outcomes: { a: { kind: 'agreed' } } }, T0), { callId: 'c', at: T0 });
    });

    it('no person agreeing is no agreement: refusals, callbacks, voicemail, no answer', () => {
      assert.equal(agreementFrom({ callId: 'c', disposition: 'conversation', outcomes: { a: { kind: 'callback' }, b: { kind: 'written_request_only' } } }, T0), undefined);
      assert.equal(agreementFrom({ callId: 'c', disposition: 'conversation', outcomes: {} }, T0), undefined);
      assert.equal(agreementFrom({ callId: 'c', disposition: 'voicemail', outcomes: { a: { kind: 'agreed' } } }, T0), undefined);
      assert.equal(agreementFrom({ callId: 'c', disposition: 'no_answer', outcomes: {} }, T0), undefined);
    });

    it('after a call: a conversation replaces the agreement (null when nobody agreed), a call nobody answered leaves it', () => {
      assert.deepEqual(agreementAfterCall({ callId: 'c', disposition: 'conversation', outcomes: { a: { kind: 'agreed' } } }, T0), { callId: 'c', at: T0 });
      assert.equal(agreementAfterCall({ callId: 'c', disposition: 'conversation', outcomes: { a: { kind: 'refused' } } }, T0), null);
      assert.equal(agreementAfterCall({ callId: 'c', disposition: 'no_answer', outcomes: {} }, T0), undefined);
      assert.equal(agreementAfterCall({ callId: 'c', disposition: 'voicemail', outcomes: { a: { kind: 'agreed' } } }, T0), undefined);
    });

    it('while the agreement holds, ready first-time call items go as one written request, oldest first, up to an email', () => {
      const agreement = { callId: 'c1', at: T0 };
      const items = writable([['a', T0 + 1000], ['b', T0 + 2000], ['c', T0 + 3000], ['d', T0 + 4000]]);
      const now = T0 + 4000 + WINDOW;
      const got = writtenFollowUp(items, agreement, now, policy, true);
      assert.deepEqual(folios(got), ['a', 'b', 'c'], 'capped at maxGuestsPerEmail');
      assert.equal(got?.agreement, agreement);
      // within the window only the items whose window closed (and all of the kind that joined them) go
      assert.equal(writtenFollowUp(items, agreement, T0 + 1000 + WINDOW - 1, policy, true), undefined, 'the batching window still applies');
    });

    it('only items that may go in writing: a callback, a re-ask or a second try is still called', () => {
      const agreement = { callId: 'c1', at: T0 };
      const items = [...pending(['plain-call', 'call', T0]), ...writable([['w', T0]]), ...pending(['mail', 'email', T0])];
      assert.deepEqual(folios(writtenFollowUp(items, agreement, T0 + WINDOW, policy, true)), ['w']);
      assert.equal(writtenFollowUp(pending(['plain-call', 'call', T0]), agreement, T0 + WINDOW, policy, true), undefined);
    });

    it('ends when the agreement is older than the policy allows, is absent, is off, or there is nowhere to write', () => {
      const items = writable([['a', T0 + HOLDS]]);
      const now = T0 + HOLDS + WINDOW;
      assert.equal(writtenFollowUp(items, { callId: 'c', at: now - HOLDS - 1 }, now, policy, true), undefined, 'too old');
      assert.ok(writtenFollowUp(items, { callId: 'c', at: now - HOLDS }, now, policy, true), 'just within');
      assert.equal(writtenFollowUp(items, undefined, now, policy, true), undefined, 'no agreement');
      assert.equal(writtenFollowUp(items, { callId: 'c', at: now }, now, { ...policy, emailAfterAgreementMs: 0 }, true), undefined, 'off');
      assert.equal(writtenFollowUp(items, { callId: 'c', at: now }, now, { ...DEFAULT_BATCH_POLICY }, true), undefined, 'off when the policy does not name it');
      assert.equal(writtenFollowUp(items, { callId: 'c', at: now }, now, policy, false), undefined, 'no address on file');
      assert.ok(writtenFollowUp(items, { callId: 'c', at: now, email: 'folios@h.example' }, now, policy, false), 'the address given on the call will do');
      assert.equal(writtenFollowUp(items, { callId: 'c', at: now + 1 }, now, policy, true), undefined, 'an agreement from the future is not trusted');
    });

    it('refuses a negative agreement window', () => {
      assert.throws(() => writtenFollowUp([], undefined, T0, { ...policy, emailAfterAgreementMs: -1 }, true), RangeError);
    });
  });
});
