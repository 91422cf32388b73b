// The webhook-flood drill's parts outside the drill itself: the ledger of what was sent and how it was
// answered (with a cap on requests in flight), and the hotels' phone line scripted at the Twilio REST edge.
import pino from 'pino';
import type { Db } from 'mongodb';
import type { Config } from '../../config';
import type { Store } from '../../adapters/mongo/store';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import { TwilioTelephony, type PlaceCallParams } from '../../adapters/telephony/twilio';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { writeProjection, type ProjectionWriter } from '../../activities/projection-writer';
import { createExtractionActivities } from '../../activities/extraction';
import { createTelephonyActivities } from '../../activities/telephony';
import type { TemporalEdge } from '../../temporal/edge';
import { silentWav } from '../../sandbox/twilio/callbacks';
import type { XmlNode } from '../../sandbox/twilio/xml';
import type { AllActivities } from '../../workflows/activity-types';
import { drillLedger } from './raw-db';
import { hex, mediaStreamHandshake, send, type WebhookRequest } from './webhook-client';

/** The hotel's phone line: what Twilio was asked to do for each call (one record per ring). */
export interface Placement {
  _id: string;
  callId: string;
  callSid: string;
  to: string;
  folioIds: string[];
  voiceUrl: string;
  statusUrl: string;
  amdUrl: string;
  recordingUrl: string;
  at: Date;
}

export type Kind = 'genuine' | 'duplicate' | 'forgery';
export interface Sent {
  kind: Kind;
  what: string;
  /** '2xx' for genuine requests (101 for a WebSocket handshake), else the status the endpoint defines for this forgery. */
  expect: '2xx' | number;
  /** Through Express (and so in the request metrics), or a WebSocket handshake. */
  http: boolean;
  status?: number;
  error?: string;
}

/** Every request the flood sends, with the answer it got; at most `inFlight` at a time. */
export class Flood {
  readonly sent: Sent[] = [];
  private readonly gate: <T>(fn: () => Promise<T>) => Promise<T>;

  constructor(inFlight: number) {
    this.gate = limiter(inFlight);
  }

  /** Sends one HTTP request and records its answer; resolves with the body. */
  fire(kind: Kind, what: string, expect: Sent['expect'], r: WebhookRequest): Promise<string> {
    return this.gate(async () => {
      const entry: Sent = { kind, what, expect, http: true };
      this.sent.push(entry);
      try {
        const a = await send(r);
        entry.status = a.status;
        return a.text;
      } catch (e) {
        entry.error = String(e);
        return '';
      }
    });
  }

  /** One genuine callback as Twilio or ElevenLabs retries it: the same request n times (the first one unless `retriesOnly`). */
  repeat(what: string, n: number, r: () => WebhookRequest, retriesOnly = false): (() => Promise<string>)[] {
    return Array.from({ length: n }, (_, i) => () => this.fire(i === 0 && !retriesOnly ? 'genuine' : 'duplicate', what, '2xx', r()));
  }

  /** A forged media-stream connection: refused at the handshake. */
  handshake(what: string, url: string, signWith: string | null): Promise<void> {
    return this.gate(async () => {
      const entry: Sent = { kind: 'forgery', what, expect: 403, http: false };
      this.sent.push(entry);
      entry.status = await mediaStreamHandshake(url, signWith).catch((e: unknown) => ((entry.error = String(e)), undefined));
    });
  }

}

export const all = (thunks: (() => Promise<unknown>)[]) => Promise.all(thunks.map((t) => t()));

/**
 * The real lifecycle, extraction and telephony activities, with the hotels' phone line scripted at the
 * Twilio REST edge: placing a call records it (drill_calls) for the test's hotel side to play, a REST update
 * (hang-up, voicemail) is recorded too, and a recording downloads as silence. Email and delivery are not
 * part of this drill: a request for an email is recorded so the drill can show none was needed.
 */
export function floodActivities(config: Config, store: Store, db: Db, temporal: TemporalEdge, projections: ProjectionWriter): AllActivities {
  const placements = drillLedger<Placement>(db, 'drill_calls');
  const hangups = drillLedger<{ callSid: string; change: unknown; at: Date }>(db, 'drill_hangups');
  const emails = drillLedger<{ _id: string; hotelId: string; at: Date }>(db, 'drill_emails');
  class HotelLine extends TwilioTelephony {
    override async placeCall(p: PlaceCallParams): Promise<{ callSid: string; status: string }> {
      const callId = new URL(p.statusCallback).searchParams.get('callId')!;
      const folioIds = await store.calls.folioIds(callId);
      const callSid = `CA${hex(16)}`;
      await placements.insertOne({ _id: callSid, callId, callSid, to: p.to, folioIds, voiceUrl: p.url, statusUrl: p.statusCallback, amdUrl: p.amdCallback, recordingUrl: p.recordingCallback, at: new Date() });
      return { callSid, status: 'queued' };
    }
    override async updateCall(callSid: string, change: { twiml: string } | { status: 'completed' }): Promise<boolean> {
      await hangups.insertOne({ callSid, change, at: new Date() });
      return true;
    }
    override async recentCallsTo(to: string, since: Date): Promise<{ callSid: string; status: string }[]> {
      const rings = await placements.find({ to, at: { $gte: since } }).sort({ at: -1 }).toArray();
      return rings.map((r) => ({ callSid: r.callSid, status: 'in-progress' }));
    }
    override async downloadRecording(): Promise<{ bytes: Buffer; contentType: string }> {
      return { bytes: silentWav(2), contentType: 'audio/wav' };
    }
  }
  const quiet = pino({ level: 'silent' });
  return {
    ...createLifecycleActivities({ config, store, temporal, projections }),
    ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents: store.documents }),
    ...createTelephonyActivities({ config, store, telephony: new HotelLine(config), logger: quiet, ringTimeoutSeconds: 10 }),
    async sendEmailRequest(input) {
      await emails.updateOne({ _id: input.emailId }, { $setOnInsert: { hotelId: input.hotel.hotelId, at: new Date() } }, { upsert: true });
      return { emailId: input.emailId, messageId: `<${input.emailId}@drill>`, to: input.hotel.emails[0] };
    },
    deliverResult: async ({ projection }) => {
      if (projection) await writeProjection(store, projection);
      return { delivered: false };
    },
    notifyClient: async () => ({ delivered: false }),
  };
}

/** At most n at a time; the rest wait their turn in order. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

export function find(node: XmlNode, name: string): XmlNode | undefined {
  if (node.name === name) return node;
  for (const c of node.children) {
    const hit = find(c, name);
    if (hit) return hit;
  }
  return undefined;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
