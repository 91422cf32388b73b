// The sandbox's demo hotels: one per behaviour worth watching. Their front desks are open around the
// clock so the demo moves at any hour; `sandboxProfile` names the phone behaviour and, after "+", the
// email behaviour (sandbox/profiles/phone.ts, sandbox/profiles/email.ts).
import type { FolioRequestInput, HotelConfig } from '../../domain/schemas';
import { HotelConfig as HotelSchema } from '../../domain/schemas';

const OPEN_ALL_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));

interface DemoHotel {
  hotelId: string;
  name: string;
  profile: string;
  timeZone: string;
  country: string;
  language: HotelConfig['language'];
  channelPreference?: HotelConfig['channelPreference'];
  ivrPath?: string;
  /** What to expect, for the demo's printout. */
  expect: string;
}

const DEMO: DemoHotel[] = [
  { hotelId: 'sandbox-ivr-known', name: 'Harbour View Hotel', profile: 'ivr-known-agree', timeZone: 'Europe/London', country: 'GB', language: 'en', ivrPath: '2', expect: 'menu path pressed, agreed on the phone, folio emailed → Completed' },
  { hotelId: 'sandbox-ivr-discover', name: 'Hotel Alpenblick', profile: 'ivr-discover-agree', timeZone: 'Europe/Berlin', country: 'DE', language: 'de', expect: 'menu discovered and learned, agreed → Completed' },
  { hotelId: 'sandbox-person', name: 'The Madison Grand', profile: 'person-agree', timeZone: 'America/New_York', country: 'US', language: 'en', expect: 'a person agrees → Completed' },
  { hotelId: 'sandbox-callback', name: 'Hôtel du Parc', profile: 'callback-tomorrow', timeZone: 'Europe/Paris', country: 'FR', language: 'fr', expect: '"call back tomorrow after 10" → CallbackScheduled' },
  { hotelId: 'sandbox-voicemail', name: 'Seaside Inn', profile: 'voicemail', timeZone: 'Australia/Sydney', country: 'AU', language: 'en', expect: 'voicemail left → RetryScheduled' },
  { hotelId: 'sandbox-busy', name: 'Gran Hotel Sol', profile: 'busy', timeZone: 'Europe/Madrid', country: 'ES', language: 'es', expect: 'busy → RetryScheduled' },
  { hotelId: 'sandbox-written', name: 'Hotel Kaiserhof', profile: 'written-request-only+replies-one-pdf-all-guests', timeZone: 'Europe/Vienna', country: 'AT', language: 'de', expect: 'written request only → email → one PDF → Completed' },
  { hotelId: 'sandbox-slow', name: 'Pacific Lodge', profile: 'slow-staff', timeZone: 'Pacific/Auckland', country: 'NZ', language: 'en', expect: 'call runs past the overflow limit → email → Completed' },
  { hotelId: 'sandbox-email-only', name: 'Canal House', profile: 'replies-with-pdf', timeZone: 'Europe/Amsterdam', country: 'NL', language: 'en', channelPreference: 'email-only', expect: 'email only: request → PDF reply → Completed' },
  { hotelId: 'sandbox-auto-reply', name: 'Hôtel Lumière', profile: 'auto-reply-then-pdf', timeZone: 'Europe/Paris', country: 'FR', language: 'fr', channelPreference: 'email-only', expect: 'out-of-office first, then the PDF → Completed' },
  { hotelId: 'sandbox-wrong-guest', name: 'Kensington Rooms', profile: 'wrong-guest', timeZone: 'Europe/London', country: 'GB', language: 'en', channelPreference: 'email-only', expect: "another guest's folio → NeedsReview" },
  { hotelId: 'sandbox-no-booking', name: 'Motel Sunset', profile: 'no-such-booking', timeZone: 'America/Los_Angeles', country: 'US', language: 'en', expect: 'no such booking → NeedsAttention' },
];

export function demoHotels(): (HotelConfig & { expect: string })[] {
  return DEMO.map((d, i) => ({
    ...HotelSchema.parse({
      hotelId: d.hotelId,
      name: d.name,
      phone: `+1555010${String(i).padStart(4, '0')}`,
      emails: [`frontdesk@${d.hotelId}.example`],
      timeZone: d.timeZone,
      country: d.country,
      language: d.language,
      businessHours: OPEN_ALL_DAY,
      channelPreference: d.channelPreference ?? 'phone-first',
      ivrPath: d.ivrPath,
      sandboxProfile: d.profile,
    }),
    expect: d.expect,
  }));
}

/** One demo request per demo hotel: stays that ended two days ago, so each folio is due at once. */
export function demoRequests(now = Date.now()): FolioRequestInput[] {
  const day = (n: number) => new Date(now + n * 86_400_000).toISOString().slice(0, 10);
  const guests = [
    ['Ada', 'Lovelace'],
    ['Alan', 'Turing'],
    ['Grace', 'Hopper'],
    ['Katherine', 'Johnson'],
    ['Edsger', 'Dijkstra'],
    ['Barbara', 'Liskov'],
    ['Donald', 'Knuth'],
    ['Margaret', 'Hamilton'],
    ['Tim', 'Berners-Lee'],
    ['Frances', 'Allen'],
    ['John', 'McCarthy'],
    ['Radia', 'Perlman'],
  ];
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/[-:T]/g, '');
  return DEMO.map((d, i) => ({
    clientReference: `demo-${stamp}-${d.hotelId.replace('sandbox-', '')}`,
    guest: { firstName: guests[i % guests.length]![0]!, lastName: guests[i % guests.length]![1]!, additionalNames: [] },
    confirmationNumber: `DM${stamp.slice(-6)}${String(i).padStart(2, '0')}`,
    checkIn: day(-5),
    checkOut: day(-2),
    hotel: { hotelId: d.hotelId },
    delivery: {},
    priority: 'normal',
  }));
}
