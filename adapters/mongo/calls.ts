// Calls (collection `calls`): one record per outbound call, written by the telephony activities, read by
// the Twilio webhooks and the media bridge (which answer from it without waiting on the workflow). What names
// guests or repeats the conversation (context, per-guest outcomes, transcript) is stored sealed (field-crypto.ts).
import type { Collection, Db } from 'mongodb';
import type { BatchGuest, CallResult, HotelSnapshot } from '../../domain/model';
import type { Language } from '../../domain/schemas';
import { COLLECTIONS, ensureIndexes } from './collections';
import { FieldCrypto, sealContext, type Envelope } from './field-crypto';

/** What the webhooks and the media bridge need to answer for a call, stored when it is placed. */
export interface CallContext {
  hotel: HotelSnapshot;
  guests: BatchGuest[];
  /** The reply-token address the hotel is asked to email folios to. */
  replyTo: string;
  language: Language;
  /** The dialled number's country (from the number itself). */
  country?: string;
  /** Whether the call opens with the recording-consent announcement (decided from the number's country). */
  announceRecording?: boolean;
  ivrPath?: string;
  overflowSeconds?: number;
}

export interface CallRecording {
  fileId: unknown;
  bucket?: string;
  recordingSid?: string;
  durationSeconds?: number;
  size?: number;
  expiresAt?: Date;
  purgedAt?: Date;
}

export interface CallTranscript {
  conversationId: string;
  summary: string | null;
  callSuccessful: string | null;
  turns: { role: string; message: string }[];
}

export interface CallProjection {
  _id: string; // callId
  hotelId: string;
  folioIds: string[];
  /** The clients whose folios the call asks for (quotas count by these). */
  clientIds?: string[];
  /** The number dialled. */
  to?: string;
  callSid?: string;
  status: string;
  disposition?: string;
  answeredBy?: string;
  outcomes?: CallResult['outcomes'];
  context?: CallContext;
  ivrPath?: string;
  recording?: CallRecording;
  transcript?: CallTranscript;
  startedAt?: Date;
  endedAt?: Date;
  finishedAt?: Date;
  durationSeconds?: number;
  updatedAt: Date;
}

export type CallUpdate = Partial<Pick<CallProjection, 'hotelId' | 'folioIds' | 'callSid' | 'status' | 'context' | 'recording' | 'transcript'>>;

/** The fields of a call that are stored sealed (what a key rotation rewrites). */
export const SEALED_CALL_FIELDS = ['context', 'outcomes', 'transcript'] as const;
type SealedField = (typeof SEALED_CALL_FIELDS)[number];
/** A call as stored: its sealed fields as envelopes (plaintext in records written before encryption). */
type CallDoc = Omit<CallProjection, SealedField> & { [F in SealedField]?: CallProjection[F] | Envelope };

export class CallRepository {
  private readonly calls: Collection<CallDoc>;

  constructor(
    db: Db,
    private readonly crypto: FieldCrypto = FieldCrypto.sandbox(),
  ) {
    this.calls = db.collection(COLLECTIONS.calls);
  }

  /** The given sealed fields of a call, sealed under the active key (the others as they are). */
  private seal<T extends Partial<CallProjection>>(callId: string, set: T): T {
    const out: Record<string, unknown> = { ...set };
    for (const f of SEALED_CALL_FIELDS) if (set[f] !== undefined) out[f] = this.crypto.seal(set[f], sealContext(COLLECTIONS.calls, f, callId));
    return out as T;
  }

  private open(doc: CallDoc): CallProjection {
    const out: Record<string, unknown> = { ...doc };
    for (const f of SEALED_CALL_FIELDS) if (doc[f] !== undefined) out[f] = this.crypto.open(doc[f], sealContext(COLLECTIONS.calls, f, doc._id));
    return out as unknown as CallProjection;
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.calls, [
      { key: { callSid: 1 }, name: 'call_sid', sparse: true },
      { key: { hotelId: 1, startedAt: -1 }, name: 'hotel_calls' },
      { key: { folioIds: 1 }, name: 'folio_calls' },
      { key: { clientIds: 1, startedAt: -1 }, name: 'client_calls' },
      { key: { to: 1, startedAt: -1 }, name: 'number_calls' },
    ]);
  }

  async get(callId: string): Promise<CallProjection | null> {
    const doc = await this.calls.findOne({ _id: callId });
    return doc && this.open(doc);
  }

  async context(callId: string): Promise<CallContext | undefined> {
    const doc = await this.calls.findOne({ _id: callId }, { projection: { context: 1 } });
    return doc?.context === undefined ? undefined : this.crypto.open<CallContext>(doc.context, sealContext(COLLECTIONS.calls, 'context', callId));
  }

  /** Which folios a call was for. */
  async folioIds(callId: string): Promise<string[]> {
    const doc = await this.calls.findOne({ _id: callId }, { projection: { folioIds: 1 } });
    return doc?.folioIds ?? [];
  }

  /** How far placing the call got: its Twilio sid once known, and since when it is being placed. */
  async placement(callId: string): Promise<Pick<CallProjection, 'callSid' | 'status' | 'startedAt'> | null> {
    return this.calls.findOne({ _id: callId }, { projection: { callSid: 1, status: 1, startedAt: 1 } });
  }

  /** Records the intent (and the context the webhooks answer from) before Twilio is asked; `startedAt` is kept from the first attempt. */
  async beginPlacing(callId: string, p: { hotelId: string; folioIds: string[]; clientIds: string[]; to: string; context: CallContext }): Promise<void> {
    await this.calls.updateOne({ _id: callId }, { $set: { ...this.seal(callId, p), status: 'placing', updatedAt: new Date() }, $setOnInsert: { startedAt: new Date() } }, { upsert: true });
  }

  /** Sets what is known now (status, sid, recording, transcript); creates the record when it is missing. */
  async update(callId: string, set: CallUpdate): Promise<void> {
    await this.calls.updateOne({ _id: callId }, { $set: { ...this.seal(callId, set), updatedAt: new Date() } }, { upsert: true });
  }

  /** The call a Twilio sid belongs to. */
  async callIdOfSid(callSid: string): Promise<string | undefined> {
    return (await this.calls.findOne({ callSid }, { projection: { _id: 1 } }))?._id;
  }

  /**
   * Calls placed at Twilio (they have a sid) since `since`, other than `exceptCallId`: for one client's
   * folios, or to one number; `unfinished` counts only those not finished yet (in progress).
   */
  countPlaced(by: { clientId: string } | { to: string }, since: Date, opts: { unfinished?: boolean; exceptCallId?: string } = {}): Promise<number> {
    return this.calls.countDocuments({
      ...('clientId' in by ? { clientIds: by.clientId } : { to: by.to }),
      callSid: { $exists: true },
      startedAt: { $gte: since },
      ...(opts.unfinished && { finishedAt: { $exists: false } }),
      ...(opts.exceptCallId && { _id: { $ne: opts.exceptCallId } }),
    });
  }

  /** Marks the call finished with its result, once: false when it was finished already (a retried activity). */
  async finish(callId: string, hotelId: string, result: CallResult): Promise<boolean> {
    const now = new Date();
    const r = await this.calls.updateOne(
      { _id: callId, finishedAt: { $exists: false } },
      {
        $set: {
          hotelId,
          callSid: result.callSid,
          status: 'ended',
          disposition: result.disposition,
          ...(result.answeredBy ? { answeredBy: result.answeredBy } : {}),
          outcomes: this.crypto.seal(result.outcomes, sealContext(COLLECTIONS.calls, 'outcomes', callId)),
          durationSeconds: result.durationSeconds,
          ...(result.ivrPath ? { ivrPath: result.ivrPath } : {}),
          endedAt: now,
          finishedAt: now,
          updatedAt: now,
        },
      },
    );
    return r.modifiedCount > 0;
  }

  async markRecordingPurged(callId: string, at: Date): Promise<void> {
    await this.calls.updateOne({ _id: callId }, { $set: { 'recording.purgedAt': at } });
  }

  /**
   * Retention: drops the context (guests, reply address) or the transcript of up to `limit` calls started before
   * `before`, marking when; the call record itself (status, outcome, duration) stays. Returns how many.
   */
  async purgeField(field: 'context' | 'transcript', before: Date, limit: number, now = new Date()): Promise<number> {
    const due = await this.calls
      .find({ startedAt: { $lt: before }, [field]: { $exists: true } }, { projection: { _id: 1 } })
      .limit(limit)
      .toArray();
    if (due.length === 0) return 0;
    const r = await this.calls.updateMany({ _id: { $in: due.map((c) => c._id) } }, { $unset: { [field]: '' }, $set: { [`${field}PurgedAt`]: now } });
    return r.modifiedCount;
  }

  /** Finished calls by disposition: how many, and the seconds on the phone they add up to. */
  async statsByDisposition(): Promise<Map<string, { calls: number; seconds: number }>> {
    const rows = await this.calls
      .aggregate<{ _id: unknown; n: number; seconds: number }>([
        { $match: { disposition: { $type: 'string' } } },
        { $group: { _id: '$disposition', n: { $sum: 1 }, seconds: { $sum: '$durationSeconds' } } },
      ])
      .toArray();
    return new Map(rows.map((r) => [String(r._id), { calls: r.n, seconds: Number(r.seconds) || 0 }]));
  }
}
