// The PDF a simulated hotel sends: the right folio, or another guest's, or one with the wrong stay, or a
// scan with no text layer — rendered by the sandbox's folio generator, read later by the real extractor.
import { createHash } from 'node:crypto';
import { renderFolioPdf, type FolioLayout } from '../sandbox/folio-pdf';
import type { FolioDelivery } from './sim-workflows';

const LAYOUTS: Record<string, FolioLayout> = { de: 'german', fr: 'french', es: 'spanish' };
const OTHER_GUESTS = [
  { firstName: 'Charles', lastName: 'Babbage' },
  { firstName: 'Mary', lastName: 'Somerville' },
];

export type FolioSpecOfGuest = Pick<FolioDelivery, 'guestName' | 'confirmationNumber' | 'checkIn' | 'checkOut' | 'hotelName' | 'language' | 'content'>;

/** What each PDF the hotels sent really was, by its SHA-256: the run's ground truth for "the right folio". */
export interface RenderedFolio {
  confirmationNumber: string;
  guestName: string;
  content: FolioDelivery['content'];
}
const rendered = new Map<string, RenderedFolio>();

/** What the simulated hotels sent under this digest (undefined: no hotel of this run sent it). */
export function renderedFolio(sha256: string): RenderedFolio | undefined {
  return rendered.get(sha256);
}

/** Only the right guest's folio (the booking's confirmation number), with the right stay and a text layer, is the folio the requester wanted. */
export function isRightFolio(sha256: string | undefined, confirmationNumber: string): boolean {
  const r = sha256 ? rendered.get(sha256) : undefined;
  return !!r && r.content === 'correct' && r.confirmationNumber === confirmationNumber;
}

export async function renderFolio(d: FolioSpecOfGuest): Promise<Buffer> {
  const pdf = await draw(d);
  rendered.set(createHash('sha256').update(pdf).digest('hex'), { confirmationNumber: d.confirmationNumber, guestName: d.guestName, content: d.content });
  return pdf;
}

async function draw(d: FolioSpecOfGuest): Promise<Buffer> {
  const [firstName, ...rest] = d.guestName.split(' ');
  const guest = d.content === 'wrong_guest' ? OTHER_GUESTS[d.guestName.length % 2] : { firstName, lastName: rest.join(' ') };
  const departure = d.content === 'partial' ? shiftDate(d.checkOut, 3) : d.checkOut;
  return renderFolioPdf({
    hotelName: d.hotelName,
    guests: [guest],
    arrival: d.checkIn,
    departure,
    folioNumber: `F-${d.confirmationNumber}`,
    confirmationNumber: d.confirmationNumber,
    currency: 'EUR',
    nightlyRate: 140,
    taxRate: 0.1,
    layout: LAYOUTS[d.language] ?? 'classic',
    imageOnly: d.content === 'unreadable',
  });
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
