// Folio requests for benchmarks: guests spread over hotels with a Zipf-like popularity (a few hotels
// get many requests, most get a few), check-outs spread around the simulated "now". Seeded.
import type { FolioRequest } from '../domain/model';
import { prng, subSeed, type Rng, type SandboxHotel } from '../sandbox/population';

const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Tim', 'Margaret', 'Linus', 'Radia', 'Ken', 'Hedy', 'John', 'Sophie'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Berners-Lee', 'Hamilton', 'Torvalds', 'Perlman', 'Thompson', 'Lamarr', 'Backus', 'Wilson'];

/** Picks an index in 0..n-1 with probability proportional to 1/(rank+1)^s. */
export function zipf(n: number, s: number, rng: Rng): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cdf.push((sum += 1 / Math.pow(k, s)));
  return () => {
    const r = rng() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface RequestPlan {
  seed: number;
  count: number;
  hotels: SandboxHotel[];
  /** Server time the check-outs are spread around. */
  nowMs: number;
  /** Check-out between nowMs + fromDays and nowMs + toDays. */
  fromDays: number;
  toDays: number;
  /** Zipf exponent of hotel popularity (0 = uniform). */
  zipfS: number;
  clientId?: string;
}

export function planRequests(p: RequestPlan): FolioRequest[] {
  const rng = prng(subSeed(p.seed, 0x5eed));
  // popularity rank is a seeded shuffle of the hotels, so rank does not follow generation order
  const order = p.hotels.map((h, i) => ({ h, k: prng(subSeed(p.seed, i))() })).sort((a, b) => a.k - b.k).map((x) => x.h);
  const hotelAt = zipf(order.length, p.zipfS, rng);
  const day = 86_400_000;
  return Array.from({ length: p.count }, (_, i) => {
    const hotel = order[hotelAt()];
    const checkOutMs = p.nowMs + (p.fromDays + rng() * (p.toDays - p.fromDays)) * day;
    const nights = 1 + Math.floor(rng() * 4);
    const checkOut = new Date(checkOutMs).toISOString().slice(0, 10);
    const checkIn = new Date(checkOutMs - nights * day).toISOString().slice(0, 10);
    return {
      folioId: `f-${p.seed}-${i}`,
      clientId: p.clientId ?? 'bench',
      clientReference: `bench-${p.seed}-${i}`,
      hotelId: hotel.config.hotelId,
      guest: { firstName: FIRST[Math.floor(rng() * FIRST.length)], lastName: LAST[Math.floor(rng() * LAST.length)], additionalNames: [] },
      confirmationNumber: `C${(100000 + Math.floor(rng() * 899999)).toString()}-${i}`,
      checkIn,
      checkOut,
      delivery: {},
      priority: 'normal',
      receivedAt: new Date(p.nowMs).toISOString(),
    };
  });
}

/** What a client sends to POST /v1/folios for a planned request. */
export function apiRequestBody(r: FolioRequest) {
  return { clientReference: r.clientReference, guest: r.guest, confirmationNumber: r.confirmationNumber, checkIn: r.checkIn, checkOut: r.checkOut, hotel: { hotelId: r.hotelId } };
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function inPool<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** A folio count as results name it: 1000 → 1k, 100000 → 100k, 2500 → 2500. */
export const countLabel = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number, got "${process.argv[i + 1]}"`);
  return v;
}

/** A text option (`--name value`), or undefined when absent. */
export function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 (with the error) when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
