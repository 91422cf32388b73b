// What one folio workflow knows: the request, its hotel, the chase so far, its status and next
// action, and the outside events that have arrived and wait to be acted on.
import type { Schedule } from '../../domain/business-hours';
import * as chase from '../../domain/chase-policy';
import { FolioStatus, TERMINAL_STATUSES, type BatchGuest, type DocumentRef, type FolioData, type FolioRequest, type GuestOutcome, type HotelSnapshot } from '../../domain/model';
import type { CallOutcomeMessage, DispatchKind, EmailBouncedMessage, EmailSentMessage, FolioState, HotelReplyMessage, OperatorAction } from '../definitions';
import { Bookkeeping } from './bookkeeping';

export interface FolioOptions {
  checkoutGraceHours?: number;
  chasePolicy?: Partial<chase.ChasePolicy>;
}

export interface FolioResult {
  folioId: string;
  status: FolioStatus;
  reason?: string;
}

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
  review?: ReviewDecision;
  readonly documents: DocumentRef[] = [];
  readonly seenDocuments = new Set<string>();

  /** Something a waiting step must stop for: the chase loop decides what follows. */
  interrupted(): boolean {
    return !!this.cancelled || !!this.retryRequested || !!this.bounced || this.operatorCallback !== undefined || this.documents.length > 0;
  }
}

export class Folio {
  readonly folioId: string;
  readonly policy: chase.ChasePolicy;
  readonly guest: BatchGuest;
  readonly inbox = new Inbox();
  readonly book: Bookkeeping;
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
  /** Whether the folio was last asked for on the phone or in writing (names the waiting status). */
  lastAsk: 'phone' | 'email' = 'phone';
  readonly history: FolioState['history'] = [];
  /** Set once the folio falls due: when the SLA passes and when the chase gives up. */
  deadlines = { slaAt: Infinity, giveUpAt: Infinity, slaFlagged: false };

  constructor(
    readonly req: FolioRequest,
    options: FolioOptions,
    readonly workflowId: string,
  ) {
    this.folioId = req.folioId;
    this.policy = { ...chase.DEFAULT_CHASE_POLICY, ...options.chasePolicy };
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

  schedule(): Schedule {
    if (!this.hotel) throw new Error('the folio is starting; try again in a moment');
    return { timeZone: this.hotel.timeZone, businessHours: this.hotel.businessHours, closedDates: this.hotel.closedDates };
  }

  /** The hotel as loaded, or as an operator changed it mid-flight: the next step uses it. */
  useHotel(snapshot: HotelSnapshot): void {
    this.hotel = snapshot;
    this.chase.channelPreference = snapshot.channelPreference;
    this.chase.hasEmail = snapshot.emails.length > 0;
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

  /** How to ask again after a document did not pass: in writing when the hotel takes email, else by phone. */
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
      lastOutcome: this.lastOutcome,
      history: this.history,
    };
  }
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
