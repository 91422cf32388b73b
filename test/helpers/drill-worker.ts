// A worker process for fault drills: the real workflows and the real lifecycle, extraction (GridFS) and
// projection activities, with scripted hotels at the vendor edge. Every call the "hotel" receives is
// recorded in MongoDB (drill_calls) — that is the hotel's phone ringing — and placing is idempotent per
// call id as the real Twilio adapter is, so a duplicate call shows up as a second record. The hotel side
// lives in the drill's test process, so it survives the worker being killed with SIGKILL.
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker, DefaultLogger, Runtime } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../../config';
import { temporalConnectionOptions } from '../../temporal/client';
import { Store } from '../../adapters/mongo/store';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import { createLifecycleActivities } from '../../activities/lifecycle';
import { ProjectionWriter, projectionSinks, writeProjection } from '../../activities/projection-writer';
import { createExtractionActivities } from '../../activities/extraction';
import type { AllActivities } from '../../workflows/activity-types';
import { twilioStatusSignal } from '../../workflows/definitions';
import { edgeFor } from '../../temporal/edge';
import { drillLedger } from './raw-db';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const mongo = await MongoClient.connect(config.MONGODB_URI);
  const db = mongo.db(config.MONGODB_DB);
  const store = new Store(db, { client: mongo });
  const placed = drillLedger<{ _id: string; callId: string; callSid: string; hotelId: string; folioIds: string[]; at: Date }>(db, 'drill_calls');
  const emails = drillLedger<{ _id: string; hotelId: string; at: Date }>(db, 'drill_emails');
  // the connection settings of every process (TLS on the cluster drills), without the payload codec: drills start plain workflows
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection });
  let seq = Date.now();
  const status = (callId: string, callSid: string, s: string, answeredBy?: string) =>
    client.workflow.getHandle(callId).signal(twilioStatusSignal, { callSid, status: s, sequence: ++seq, answeredBy });

  const projections = new ProjectionWriter(store);
  const activities: AllActivities = {
    ...createLifecycleActivities({ config, store, temporal: edgeFor(client, config), projections }),
    ...createExtractionActivities({ extractor: new LocalPdfExtractor(), documents: store.documents }),
    async placeCall(input) {
      const existing = await placed.findOne({ callId: input.callId });
      if (existing) return { callSid: existing.callSid }; // as the Twilio adapter: a retry never places a second call
      const callSid = `CA${randomUUID().replace(/-/g, '')}`;
      await placed.insertOne({ _id: callSid, callId: input.callId, callSid, hotelId: input.hotel.hotelId, folioIds: input.guests.map((g) => g.folioId), at: new Date() });
      // the hotel (the drill's test process, like Twilio outside our workers) sees the placement and plays the call
      return { callSid };
    },
    async leaveVoicemail() {},
    async endCall({ callId, callSid }) {
      await status(callId, callSid, 'completed');
    },
    async storeRecording() {},
    async storeCallAnalysis() {},
    async learnIvrPath() {},
    async finishCall() {},
    async sendEmailRequest(input) {
      await emails.updateOne({ _id: input.emailId }, { $setOnInsert: { hotelId: input.hotel.hotelId, at: new Date() } }, { upsert: true });
      return { emailId: input.emailId, messageId: `<${input.emailId}@drill>`, to: input.hotel.emails[0] };
    },
    async deliverResult({ projection }) {
      if (projection) await writeProjection(store, projection);
      return { delivered: false };
    },
    async notifyClient() {
      return { delivered: false };
    },
  };
  const worker = await Worker.create({
    connection: await NativeConnection.connect(temporalConnectionOptions(config)),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: process.env.DRILL_BUNDLE! },
    activities,
    sinks: projectionSinks(projections),
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
