// What one folio workflow knows: the request, its hotel, the chase so far, its status and next
// action, and the outside events that have arrived and wait to be acted on.
import type { Schedule } from '../../domain/business-hours';
import * as chase from '../../domain/chase-policy';
import { DEFAULT_CLIENT_POLICY, FolioStatus, TERMINAL_STATUSES, type BatchGuest, type ClientPolicy, type DocumentRef, type FolioData, type FolioRequest, type GuestAsk, type GuestOutcome, type HotelSnapshot } from '../../domain/model';
import type { CallOutcomeMessage, DispatchKind, EmailBouncedMessage, EmailSentMessage, FolioState, HotelReplyMessage, OperatorAction } from '../definitions';
import { Alarm } from '../alarm';
import { Bookkeeping } from './bookkeeping';
import { iso } from '../../domain/calendar';

export interface FolioOptions {
  checkoutGraceHours?: number;
  chasePolicy?: Partial<chase.ChasePolicy>;
  extractionTaskQueue?: string;
}

export type { FolioResult } from '../definitions';

export type ReviewDecision = OperatorAction & { approve: boolean };

/** Outside events (signals and updates) not yet acted on; the steps take them as they go. */
export class Inbox {
  cancelled?: OperatorAction;
  retryRequested?: OperatorAction;
  operatorCallback?: number;
  callOutcome?: CallOutcomeMessage;
  emailSent?: EmailSentMessage;
  hotelReply?: HotelReplyMessage;
  bounced?: EmailBouncedMessage;
  batchStarted?: DispatchKind;
  /** The batch id that came with batchStarted: an email that replaces this folio's call is `email:<batchId>`. */
  batchStartedId?: string;
  review?: ReviewDecision;
  /** The guest's signed form the client uploaded for the hotel. */
  authorization?: OperatorAction & { document: DocumentRef };
  readonly documents: DocumentRef[] = [];
  readonly seenDocuments = new Set<string>();

  /** Something a waiting step must stop for: the chase loop decides what follows. */
  interrupted(): boolean {
    return !!this.cancelled || !!this.retryRequested || !!this.bounced || this.operatorCallback !== undefined || this.documents.length > 0 || !!this.authorization;
  }
}

export class Folio {
  readonly folioId: string;
  readonly policy: chase.ChasePolicy;
  readonly clientPolicy: ClientPolicy;
  readonly guest: BatchGuest;
  readonly inbox = new Inbox();
  readonly book: Bookkeeping;
  /** The folio's one deadline timer for its waits (lean lifecycle). */
  readonly alarm = new Alarm();
  /** Whether the hotel's dispatcher holds an item of this folio (only then is there anything to withdraw). */
  atDispatcher = false;
  /** Loaded as the workflow starts; an operator's change reaches it by signal. */
  hotel?: HotelSnapshot;
  readonly chase = chase.newChaseState();
  status = FolioStatus.WaitingForCheckout;
  nextActionAt?: number;
  nextAction?: string;
  attention?: string;
  callbackAt?: number;
  reviewReasons?: string[];
  extracted?: FolioData;
  document?: DocumentRef;
  threadMessageId?: string;
  lastOutcome?: string;
  pendingCallback?: Extract<GuestOutcome, { kind: 'callback' }>;
  /** What the next call or email says about this guest beyond the plain request, until it reaches the hotel. */
  pendingAsk?: GuestAsk;
  /** The address the hotel gave on the phone: this folio's written requests go there. */
  writeTo?: string;
  /** What the folio completed with that a reader should notice (e.g. `departure-differs`). */
  flags?: string[];
  /** The hotel asked for a form signed by the guest: what it called it, and whether the client was told. */
  authorization?: { form?: string; clientNotified: boolean };
  readonly history: FolioState['history'] = [];
  /** Set once the folio falls due: when the SLA passes and when the chase gives up. */
  deadlines = { slaAt: Infinity, giveUpAt: Infinity, slaFlagged: false };
  /** Where documents are read: the extraction task queue the folio was started with, else its own. */
  readonly extractionTaskQueue?: string;

  constructor(
    readonly req: FolioRequest,
    options: FolioOptions,
    readonly workflowId: string,
    /** False for folios started before the closed loop (their histories replay with the earlier policy). */
    closedLoop = true,
  ) {
    this.folioId = req.folioId;
    this.extractionTaskQueue = options.extractionTaskQueue;
    const chosen = { ...chase.DEFAULT_CHASE_POLICY, ...options.chasePolicy };
    this.policy = closedLoop && chosen.closedLoop ? chosen : { ...chosen, ...chase.EARLIER_CHASE_POLICY };
    this.clientPolicy = req.clientPolicy ?? DEFAULT_CLIENT_POLICY;
    this.guest = {
      folioId: req.folioId,
      workflowId,
      guestName: `${req.guest.firstName} ${req.guest.lastName}`,
      confirmationNumber: req.confirmationNumber,
      checkIn: req.checkIn,
      checkOut: req.checkOut,
    };
    this.book = new Bookkeeping(this);
  }

  get closedLoop(): boolean {
    return this.policy.closedLoop;
  }

  /** What the chase policy decides with: now, the hotel's hours and answer rates, the guest's names. */
  ctx(): chase.ChaseContext {
    return { nowMs: Date.now(), schedule: this.schedule(), callsByHour: this.hotel?.callsByHour, guest: this.req.guest };
  }

  /** The guest as the next call or email asks for it: with what it says beyond the request, and where to write. */
  outgoing(kind: 'call' | 'email' | 'reminder'): BatchGuest {
    // "did our email arrive?" is a question for the phone; an email to that address would not ask it
    const ask = this.pendingAsk && !(kind !== 'call' && this.pendingAsk.kind === 'did-it-arrive') ? this.pendingAsk : undefined;
    if (!ask && !this.writeTo) return this.guest;
    return { ...this.guest, ...(ask && { ask }), ...(this.writeTo && kind !== 'call' && { writeTo: this.writeTo }) };
  }

  schedule(): Schedule {
    if (!this.hotel) throw new Error('the folio is starting; try again in a moment');
    return { timeZone: this.hotel.timeZone, businessHours: this.hotel.businessHours, closedDates: this.hotel.closedDates };
  }

  /** The hotel as loaded, or as an operator changed it mid-flight: the next step uses it. */
  useHotel(snapshot: HotelSnapshot): void {
    this.hotel = snapshot;
    this.chase.channelPreference = snapshot.channelPreference;
    this.chase.hasEmail = snapshot.emails.length > 0 || !!this.writeTo;
    if (this.chase.hasEmail) this.chase.emailBad = false;
  }

  isTerminal(): boolean {
    return TERMINAL_STATUSES.includes(this.status);
  }

  attempts(): FolioState['attempts'] {
    const { calls, emails, reminders, callbacks } = this.chase;
    return { calls, emails, reminders, callbacks };
  }

  /** A document from the inbox monitor or an operator, taken once and only while the chase is open. */
  acceptDocument(doc: DocumentRef): void {
    if (this.inbox.seenDocuments.has(doc.documentId) || this.isTerminal()) return;
    this.inbox.seenDocuments.add(doc.documentId);
    this.inbox.documents.push(doc);
    if (doc.source === 'email') this.book.emit('EmailReceived', { messageId: doc.messageId, documentId: doc.documentId });
  }

  /** Records the new status and next action, then tells the read side. */
  async setStatus(next: FolioStatus, action: { at?: number; what?: string } = {}): Promise<void> {
    if (next !== this.status || this.history.length === 0) this.history.push({ at: new Date().toISOString(), status: next, note: action.what });
    this.status = next;
    this.nextActionAt = action.at;
    this.nextAction = action.what;
    await this.book.statusChanged();
  }

  /** How to ask again after a person rejected a document: in writing when the hotel takes email, else by phone. */
  askAgain(reason: string): chase.ChaseDecision {
    const s = this.chase;
    if (s.hasEmail && !s.emailBad) return s.emails > 0 ? { action: 'reminder', reason } : { action: 'email', reason };
    return { action: 'call', atMs: Date.now(), reason };
  }

  /** What the state query answers. */
  view(): FolioState {
    return {
      folioId: this.folioId,
      status: this.status,
      hotelId: this.req.hotelId,
      attempts: this.attempts(),
      nextActionAt: iso(this.nextActionAt),
      nextAction: this.nextAction,
      callbackAt: iso(this.callbackAt),
      attention: this.attention,
      reviewReasons: this.reviewReasons,
      document: this.document,
      extracted: this.extracted,
      ...(this.flags && { flags: this.flags }),
      lastOutcome: this.lastOutcome,
      history: this.history,
    };
  }
}
