// The webhook benchmark's load generator, in a process of its own (bench/webhooks.ts starts it): signed Twilio
// status callbacks sent open-loop at a fixed rate, alternating slices between a bare Express endpoint and ours,
// each request to one of many calls. Reads its orders as JSON from argv[2]; writes its measurements as one JSON
// line to stdout. Bounded: stops by itself.
import twilio from 'twilio';

export interface LoadOrders {
  rate: number;
  /** Measured seconds per endpoint, split into `slices` alternating slices (each after a short warm-up). */
  seconds: number;
  slices: number;
  warmupSeconds: number;
  token: string;
  accountSid: string;
  /** The URL Twilio signs (PUBLIC_BASE_URL + path), per call, and where it is sent. */
  ours: { base: string; signedBase: string };
  bare: string;
  callIds: string[];
  /** Sequence numbers start here, so repetitions never repeat a callback. */
  firstSequence: number;
}

export interface EndpointRun {
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  seconds: number;
  latenciesMs: number[];
}

const MAX_IN_FLIGHT = 2000;

async function main() {
  const o = JSON.parse(process.argv[2]!) as LoadOrders;
  let sequence = o.firstSequence;
  const request = (endpoint: 'bare' | 'ours') => {
    const callId = o.callIds[sequence % o.callIds.length]!;
    const params = { AccountSid: o.accountSid, CallSid: `CA${String(sequence % o.callIds.length).padStart(32, '0')}`, CallStatus: 'ringing', CallbackSource: 'call-progress-events', SequenceNumber: String(sequence++), Timestamp: new Date().toUTCString() };
    const path = `/v1/webhooks/twilio/status?callId=${encodeURIComponent(callId)}`;
    return fetch(endpoint === 'bare' ? o.bare : `${o.ours.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(o.token, `${o.ours.signedBase}${path}`, params) },
      body: new URLSearchParams(params).toString(),
    });
  };
  const runs: Record<'bare' | 'ours', EndpointRun> = { bare: blank(), ours: blank() };
  for (let slice = 0; slice < o.slices; slice++) {
    for (const endpoint of ['bare', 'ours'] as const) await drive(runs[endpoint], () => request(endpoint), o.rate, o.seconds / o.slices, o.warmupSeconds);
  }
  process.stdout.write(`${JSON.stringify(runs)}\n`);
}

function blank(): EndpointRun {
  return { sent: 0, ok: 0, failed: 0, dropped: 0, seconds: 0, latenciesMs: [] };
}

/** Open loop: requests leave on schedule whether or not earlier ones have been answered. */
async function drive(run: EndpointRun, request: () => Promise<Response>, rate: number, seconds: number, warmupSeconds: number): Promise<void> {
  let inFlight = 0;
  const fire = (measure: boolean) => {
    if (inFlight >= MAX_IN_FLIGHT) return void (measure && run.dropped++);
    inFlight++;
    if (measure) run.sent++;
    const t0 = performance.now();
    request()
      .then(async (res) => {
        await res.arrayBuffer();
        if (!measure) return;
        if (res.ok) run.ok++;
        else run.failed++;
        run.latenciesMs.push(performance.now() - t0);
      })
      .catch(() => measure && run.failed++)
      .finally(() => inFlight--);
  };
  const phase = (s: number, measure: boolean) =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      let due = 0;
      const timer = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        const target = Math.min(elapsed, s) * rate;
        while (due < target) {
          fire(measure);
          due++;
        }
        if (elapsed >= s) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
  await phase(warmupSeconds, false);
  const t0 = performance.now();
  await phase(seconds, true);
  const deadline = Date.now() + 15_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  run.seconds += (performance.now() - t0) / 1000;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
