// Test-only access to what no repository offers, on purpose: the drills' own ledgers of what their
// scripted vendors saw, and stored bytes a test damages to prove the repository copes. Production code
// reaches MongoDB only through adapters/mongo/ repositories.
import type { Collection, Db, Document } from 'mongodb';

/** What a drill's scripted Twilio and mailer recorded. */
export type DrillLedger = 'drill_calls' | 'drill_emails' | 'drill_hangups';

export function drillLedger<T extends Document>(db: Db, name: DrillLedger): Collection<T> {
  return db.collection<T>(name);
}

/** A collection by name, for a test that sets up a broken state the code must survive. */
export function rawCollection<T extends Document = Document & { _id: string }>(db: Db, name: string): Collection<T> {
  return db.collection<T>(name);
}
