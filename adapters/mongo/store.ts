// MongoDB: read projections and reference data behind one repository per aggregate. Temporal history is
// the source of truth; every write is an idempotent upsert, and nothing outside this folder sees a collection.
import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../../config';
import { FolioRepository } from './folios';
import { HotelRepository } from './hotels';
import { CallRepository } from './calls';
import { RecordingRepository } from './recordings';
import { EmailRepository } from './emails';
import { InboxLedger } from './inbox-ledger';
import { UnmatchedRepository } from './unmatched';
import { ApiKeyRepository } from './api-keys';
import { ClientRepository } from './clients';
import { ReplayGuard } from './replay-guard';
import { GridFsDocumentStore } from './documents';
import { LearnedSenderRepository } from './senders';
import { DeadLetterRepository } from './dead-letters';
import { CallbackInboxRepository } from './callback-inbox';
import { CallStreamRepository } from './call-streams';
import { NumberLeaseRepository } from './number-leases';
import { CallSlotRepository } from './call-slots';
import { GuardedWrites } from './guarded-writes';
import { FieldCrypto } from './field-crypto';
import { rotateFieldKeys, type RotationReport } from './key-rotation';

export interface StoreOptions {
  /** The connection this store owns (closed by close()). */
  client?: MongoClient;
  /** Largest document accepted (default 20 MB). */
  maxDocumentBytes?: number;
  /** What seals personal data at rest (default: the sandbox's development key ring). */
  crypto?: FieldCrypto;
}

/** How long one store call may go unanswered: far above the slowest legitimate one (a list over 100,000 FerretDB documents, ~7 s). */
export const SOCKET_TIMEOUT_MS = 120_000;

export class Store {
  readonly folios: FolioRepository;
  readonly hotels: HotelRepository;
  readonly calls: CallRepository;
  readonly recordings: RecordingRepository;
  /** Sent requests, reminders and call reply threads. */
  readonly emails: EmailRepository;
  readonly inbox: InboxLedger;
  readonly unmatched: UnmatchedRepository;
  readonly apiKeys: ApiKeyRepository;
  /** Per-client settings: policy, call quotas, allowed countries, delivery signing secrets. */
  readonly clients: ClientRepository;
  readonly replayGuard: ReplayGuard;
  /** Sender addresses learned per hotel. */
  readonly senders: LearnedSenderRepository;
  /** What could not be acted on after every retry, for operators. */
  readonly deadLetters: DeadLetterRepository;
  /** Accepted callbacks until their workflow has been told (the relay's work list). */
  readonly callbacks: CallbackInboxRepository;
  /** Each call's stream nonce, its one stream, and whether Twilio said it is over. */
  readonly callStreams: CallStreamRepository;
  /** One call at a time to a number: a lease per number while a call to it is placed and under way. */
  readonly numberLeases: NumberLeaseRepository;
  /** The global cap on concurrent calls: a slot per call while it is placed and on the line. */
  readonly callSlots: CallSlotRepository;
  /** Folio documents (GridFS). */
  readonly documents: GridFsDocumentStore;
  /** The keys personal data at rest is sealed with (rotation: scripts/rotate-field-keys.ts). */
  readonly crypto: FieldCrypto;
  private readonly db: Db;
  private readonly client?: MongoClient;

  constructor(db: Db, opts: StoreOptions = {}) {
    this.db = db;
    this.client = opts.client;
    this.crypto = opts.crypto ?? FieldCrypto.sandbox();
    this.folios = new FolioRepository(db, new GuardedWrites(db), this.crypto);
    this.hotels = new HotelRepository(db);
    this.calls = new CallRepository(db, this.crypto);
    this.recordings = new RecordingRepository(db, this.crypto);
    this.emails = new EmailRepository(db);
    this.inbox = new InboxLedger(db);
    this.unmatched = new UnmatchedRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.clients = new ClientRepository(db);
    this.replayGuard = new ReplayGuard(db);
    this.senders = new LearnedSenderRepository(db);
    this.deadLetters = new DeadLetterRepository(db);
    this.callbacks = new CallbackInboxRepository(db);
    this.callStreams = new CallStreamRepository(db);
    this.numberLeases = new NumberLeaseRepository(db);
    this.callSlots = new CallSlotRepository(db);
    this.documents = new GridFsDocumentStore(db, { maxBytes: opts.maxDocumentBytes, crypto: this.crypto });
  }

  static async connect(uri: string, dbName: string, opts: Omit<StoreOptions, 'client'> = {}): Promise<Store> {
    // a store call that never answers fails after SOCKET_TIMEOUT_MS (and is retried by its caller) instead of
    // holding its activity slot or the projection writer for good
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: SOCKET_TIMEOUT_MS, appName: 'folio' });
    await client.connect();
    return new Store(client.db(dbName), { ...opts, client });
  }

  /** The store of a process: the configured database, documents limited to MAX_DOCUMENT_MB, personal data sealed with PAYLOAD_KEYS. */
  static forConfig(config: Pick<Config, 'MONGODB_URI' | 'MONGODB_DB' | 'MAX_DOCUMENT_MB' | 'MODE' | 'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID'>): Promise<Store> {
    return Store.connect(config.MONGODB_URI, config.MONGODB_DB, { maxDocumentBytes: config.MAX_DOCUMENT_MB * 1024 * 1024, crypto: FieldCrypto.fromConfig(config) });
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  /** Whether the database answers (readiness checks). */
  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  /** Re-seals every personal field and file under the active key (and encrypts what predates encryption). */
  rotateFieldKeys(opts: Parameters<typeof rotateFieldKeys>[2] = {}): Promise<RotationReport> {
    return rotateFieldKeys(this.db, this.crypto, opts);
  }

  /** The indexes every repository's queries need; safe to call at every start. */
  async ensureIndexes(): Promise<void> {
    for (const repo of [this.folios, this.hotels, this.calls, this.recordings, this.emails, this.inbox, this.unmatched, this.replayGuard, this.senders, this.deadLetters, this.callbacks, this.numberLeases, this.callSlots]) await repo.ensureIndexes();
  }
}
