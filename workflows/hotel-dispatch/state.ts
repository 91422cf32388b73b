// What one hotel's dispatcher knows: the hotel, the work pending there, the batch on the line, and
// what it waits for. Signals change it; the dispatcher loop acts on it.
import { CancellationScope, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import { DEFAULT_BATCH_POLICY, enqueue, withdraw, type BatchPolicy, type PendingItem, type PhoneAgreement } from '../../domain/batching';
import type { Schedule } from '../../domain/business-hours';
import type { HotelSnapshot } from '../../domain/model';
import type { LifecycleActivities } from '../activity-types';
import { Alarm } from '../alarm';
import { callSlotGrantedSignal, dispatchStateQuery, enqueueSignal, hotelUpdatedSignal, withdrawSignal, type DispatchState } from '../definitions';

export const lifecycle = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/**
 * Runs from before it (their histories replay as they were) asked the call-slot workflow for a slot before each
 * call, started a new timer at every wait, cancelling it on every signal, and idled 95 minutes before ending.
 * Since: the call takes its slot inside placeCall, the waits share one deadline timer, and a dispatcher with
 * nothing pending ends.
 */
export const LEAN_DISPATCH_PATCH = 'lean-dispatch';

/**
 * Runs from before it called every call item; since, after a person at the hotel agreed on the phone to send folios,
 * its next first-time call items go as one written request (call once, email the rest; domain/batching.ts).
 */
export const EMAIL_AFTER_AGREEMENT_PATCH = 'email-after-agreement';

export interface HotelDispatchInput {
  hotelId: string;
  hotel?: HotelSnapshot;
  pending?: PendingItem[];
  batchesRun?: number;
  batchPolicy?: BatchPolicy;
  overflowSeconds?: number;
  /** The hotel's last agreement on the phone to send folios, carried across continue-as-new. */
  agreement?: PhoneAgreement;
}

export class Dispatch {
  readonly hotelId: string;
  readonly policy: BatchPolicy;
  pending: PendingItem[];
  batchesRun: number;
  /** Something arrived since the loop last looked (work, a withdrawal, a hotel change). */
  changed = false;
  activeCallId?: string;
  activeFolios = new Set<string>();
  activeScope?: CancellationScope;
  waitingFor?: string;
  /** For the folios' timelines: when a batch waited for business hours or for a call slot. */
  readonly deferredUntil = new Map<string, number>();
  slotAsked?: { leaseId: string; at: number };
  /** A person at the hotel agreed on a call to send folios (EMAIL_AFTER_AGREEMENT_PATCH): further call items may go in writing. */
  agreement?: PhoneAgreement;
  readonly granted = new Set<string>();

  private readonly alarm = new Alarm();

  constructor(
    readonly input: HotelDispatchInput,
    public hotel: HotelSnapshot,
    /** The call takes its own slot, the waits share one deadline timer, and no work ends the run (LEAN_DISPATCH_PATCH). */
    readonly lean = false,
    /** Call once, email the rest (EMAIL_AFTER_AGREEMENT_PATCH). */
    readonly followUps = false,
  ) {
    this.hotelId = input.hotelId;
    this.policy = input.batchPolicy ?? DEFAULT_BATCH_POLICY;
    this.pending = input.pending ?? [];
    this.batchesRun = input.batchesRun ?? 0;
    this.agreement = input.agreement;
  }

  /** Signals change the state; the loop wakes on `changed`. */
  listen(): void {
    setHandler(enqueueSignal, (item) => {
      this.pending = enqueue(this.pending, item, Date.now());
      this.changed = true;
    });
    setHandler(withdrawSignal, ({ folioId }) => {
      this.pending = withdraw(this.pending, folioId);
      this.activeFolios.delete(folioId);
      // every folio of the running call was withdrawn: hang up rather than talk about nobody
      if (this.activeScope && this.activeFolios.size === 0) this.activeScope.cancel();
      this.changed = true;
    });
    setHandler(hotelUpdatedSignal, (snapshot) => {
      this.hotel = snapshot;
      this.changed = true;
    });
    setHandler(callSlotGrantedSignal, ({ leaseId }) => {
      this.granted.add(leaseId);
    });
    setHandler(dispatchStateQuery, (): DispatchState => ({ hotelId: this.hotelId, pending: this.pending, activeCallId: this.activeCallId, batchesRun: this.batchesRun, waitingFor: this.waitingFor }));
  }

  /** Waits until something changes or the deadline `at`; true when something changed. */
  wait(at: number): Promise<boolean> {
    return this.lean ? this.alarm.until(() => this.changed, at) : condition(() => this.changed, Math.max(0, at - Date.now()));
  }

  schedule(): Schedule {
    return { timeZone: this.hotel.timeZone, businessHours: this.hotel.businessHours, closedDates: this.hotel.closedDates };
  }

  /** Removes what a batch took from the pending work. */
  take(taken: PendingItem[]): void {
    this.pending = this.pending.filter((p) => !taken.some((t) => t.kind === p.kind && t.guest.folioId === p.guest.folioId));
  }

  /** What the next run (after continue-as-new) starts from. */
  carryOver(): HotelDispatchInput {
    return { ...this.input, hotel: this.hotel, pending: this.pending, batchesRun: this.batchesRun, ...(this.agreement && { agreement: this.agreement }) };
  }
}
