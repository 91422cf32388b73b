// The simulated hotels' side of the mail: a reply that takes hours is a durable timer on the same
// Temporal server as the lifecycle, so compressed (time-skipping) runs stay honest. Bundled on its own,
// on its own task queue: it is the hotel, not our product.
import { proxyActivities, sleep } from '@temporalio/workflow';

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

export interface HotelReplyInput {
  delayMs: number;
  deliveries: FolioDelivery[];
}

export interface SimHotelActivities {
  deliverFolios(input: { deliveries: FolioDelivery[] }): Promise<number>;
}

const hotel = proxyActivities<SimHotelActivities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 5 } });

export async function hotelReplyWorkflow(input: HotelReplyInput): Promise<number> {
  if (input.delayMs > 0) await sleep(input.delayMs);
  return hotel.deliverFolios({ deliveries: input.deliveries });
}
