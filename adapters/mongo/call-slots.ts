// The global cap on concurrent calls (collection `call_slots`): `capacity` slots, each an expiring lease of the
// same kind as a number's (number-leases.ts), taken by the placeCall activity right before it dials and freed
// when the line ends (Twilio's final status), when the call is finished, or when its lease expires.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections';
import { NumberLeaseRepository } from './number-leases';

export class CallSlotRepository {
  private readonly slots: NumberLeaseRepository;

  constructor(db: Db) {
    this.slots = new NumberLeaseRepository(db, COLLECTIONS.callSlots);
  }

  ensureIndexes(): Promise<void> {
    return this.slots.ensureIndexes();
  }

  /**
   * Takes a free slot of `capacity` for this call until `until` (a retry keeps the one it holds); false when
   * every slot is held. The search starts at a slot derived from the call id, so racing calls rarely try the
   * same slot first.
   */
  async take(callId: string, capacity: number, until: Date, now = new Date()): Promise<boolean> {
    // a retry renews the slot it holds rather than taking a second one
    const own = await this.slots.heldBy(callId, now);
    if (own && (await this.slots.acquire(own, callId, until, now))) return true;
    const first = offset(callId, capacity);
    for (let i = 0; i < capacity; i++) {
      if (await this.slots.acquire(`slot:${(first + i) % capacity}`, callId, until, now)) return true;
    }
    return false;
  }

  /** Frees the call's slot (releasing twice, or a call that held none, changes nothing). */
  release(callId: string): Promise<void> {
    return this.slots.releaseAll(callId);
  }

  /** How many slots calls hold now. */
  async heldNow(now = new Date()): Promise<number> {
    return (await this.slots.heldNow(now)).length;
  }
}

function offset(callId: string, capacity: number): number {
  let h = 0;
  for (const c of callId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % capacity;
}
