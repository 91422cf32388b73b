// The simulated hotels' side of the mail: a reply that takes hours is a durable timer on the same
// Temporal server as the lifecycle, so compressed (time-skipping) runs stay honest; the message itself is
// sent by an activity that holds the server's clock until our inbox has handled it. Bundled on its own,
// on its own task queue: it is the hotel, not our product.
import { proxyActivities, sleep } from '@temporalio/workflow';

/** A folio handed straight to the folio workflow (throughput runs that leave the inbox out). */
export interface FolioDelivery {
  folioWorkflowId: string;
  guestName: string;
  confirmationNumber: string;
  checkIn: string;
  checkOut: string;
  hotelName: string;
  language: string;
  content: 'correct' | 'wrong_guest' | 'partial' | 'unreadable';
}

/** One guest a hotel message is about (a folio attached for it, or words about it). */
export interface MessageGuest {
  folioWorkflowId?: string;
  guestName: string;
  confirmationNumber: string;
  checkIn: string;
  checkOut: string;
  /** For a folio: which document the hotel attaches. */
  content?: FolioDelivery['content'];
}

/** A message a simulated hotel sends through the mail system: who from, to whom, in which thread, saying what. */
export interface HotelMessage {
  messageId: string;
  hotelId: string;
  hotelName: string;
  language: string;
  variant: 'thread' | 'new-to-reply-address' | 'new-to-plain-address' | 'other-mailbox' | 'chain-accounting';
  from: string;
  to: string;
  subject: string;
  inReplyTo?: string;
  references?: string[];
  answer: 'folio' | 'no_booking' | 'refusal' | 'auth_form' | 'sent_to_guest';
  guests: MessageGuest[];
}

export interface HotelReplyInput {
  /** When to send (server time); `delayMs` from the start when absent. */
  atMs?: number;
  delayMs?: number;
  deliveries?: FolioDelivery[];
  message?: HotelMessage;
}

export interface SimHotelActivities {
  deliverFolios(input: { deliveries: FolioDelivery[] }): Promise<number>;
  /** Sends the message by SMTP as the hotel and returns once our inbox has handled it. */
  sendHotelMessage(message: HotelMessage): Promise<string>;
}

const hotel = proxyActivities<SimHotelActivities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5 } });

export async function hotelReplyWorkflow(input: HotelReplyInput): Promise<number | string> {
  const wait = input.atMs !== undefined ? input.atMs - Date.now() : (input.delayMs ?? 0);
  if (wait > 0) await sleep(wait);
  if (input.message) return hotel.sendHotelMessage(input.message);
  return hotel.deliverFolios({ deliveries: input.deliveries ?? [] });
}
