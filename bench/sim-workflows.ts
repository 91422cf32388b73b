// The simulated hotels' side of the mail, and the clients' uploads: a reply that takes hours is a durable
// timer on the same Temporal server as the lifecycle, so compressed (time-skipping) runs stay honest; the
// message itself is sent by an activity that holds the server's clock until our inbox has handled it (an
// upload, until our API has answered). Bundled on its own, on its own task queue: it is the hotels and
// clients, not our product.
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
  /** The client uploads the guest's signed form to this path of our API (the one our notification named). */
  upload?: { folioId: string; path: string };
}

export interface SimHotelActivities {
  deliverFolios(input: { deliveries: FolioDelivery[] }): Promise<number>;
  /** Sends the message by SMTP as the hotel and returns once our inbox has handled it. */
  sendHotelMessage(message: HotelMessage): Promise<string>;
  /** The client's upload of a guest's signed form through our API; the HTTP status it got. */
  clientUploadsForm(input: { folioId: string; path: string }): Promise<number>;
}

const hotel = proxyActivities<SimHotelActivities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5 } });

export async function hotelReplyWorkflow(input: HotelReplyInput): Promise<number | string> {
  const wait = input.atMs !== undefined ? input.atMs - Date.now() : (input.delayMs ?? 0);
  if (wait > 0) await sleep(wait);
  if (input.upload) return hotel.clientUploadsForm(input.upload);
  if (input.message) return hotel.sendHotelMessage(input.message);
  return hotel.deliverFolios({ deliveries: input.deliveries ?? [] });
}
