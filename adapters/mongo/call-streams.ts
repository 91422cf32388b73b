// Each call's media stream (collection `call_streams`): the per-call nonce its signed stream URL carries
// (issued when the call is answered), the claim of its one stream, and Twilio's word that the call is over.
// Separate one-shot records (each written once, by key), never updates of the call's own record: a unique
// key is what makes "first one wins" hold on every store, FerretDB included.
import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS, insertOnce } from './collections';

interface StreamRecord {
  _id: string; // `nonce:<callId>` | `stream:<callId>` | `ended:<callId>`
  callId: string;
  nonce?: string;
  at: Date;
}

/** Why a media stream was not taken, or that it was. */
export type StreamClaim = 'claimed' | 'unknown-call' | 'wrong-nonce' | 'already-streaming' | 'call-ended';

export class CallStreamRepository {
  private readonly records: Collection<StreamRecord>;

  constructor(db: Db) {
    this.records = db.collection(COLLECTIONS.callStreams);
  }

  /** The call's stream nonce, issued once (the first answer's). */
  async issueNonce(callId: string): Promise<string> {
    await insertOnce(this.records, { _id: `nonce:${callId}`, callId, nonce: randomBytes(24).toString('base64url'), at: new Date() });
    const issued = await this.records.findOne({ _id: `nonce:${callId}` });
    if (!issued?.nonce) throw new Error(`no stream nonce stored for call ${callId}`);
    return issued.nonce;
  }

  /** Takes the call's one stream: only with its nonce, only once, only while the call is not over (`finished`: its record says it ended). */
  async claim(callId: string, nonce: string, finished: boolean): Promise<StreamClaim> {
    const issued = await this.records.findOne({ _id: `nonce:${callId}` });
    if (!issued) return 'unknown-call';
    if (issued.nonce !== nonce) return 'wrong-nonce';
    if (finished || (await this.records.findOne({ _id: `ended:${callId}` }))) return 'call-ended';
    return (await insertOnce(this.records, { _id: `stream:${callId}`, callId, at: new Date() })) ? 'claimed' : 'already-streaming';
  }

  /** Twilio reported the call over: no stream is taken after this. */
  async markEnded(callId: string): Promise<void> {
    await insertOnce(this.records, { _id: `ended:${callId}`, callId, at: new Date() });
  }
}
