// The main job of `npm start` in the sandbox: submit one folio request per demo hotel through the API
// (as a client system would) and print how each lifecycle moves until the chases have settled.
import { loadConfig } from '../config';
import { demoHotels, demoRequests } from '../sandbox/hotels/demo';

const SETTLED = new Set(['Completed', 'NeedsReview', 'NeedsAttention', 'Unobtainable', 'Cancelled', 'CallbackScheduled', 'RetryScheduled']);
const WATCH_MS = Number(process.env.DEMO_WATCH_SECONDS ?? 600) * 1000;

async function main() {
  const config = loadConfig();
  const key = process.env.FOLIO_API_KEY;
  if (!key) throw new Error('FOLIO_API_KEY is not set (the dev stack creates a sandbox client key and passes it)');
  const api = `http://127.0.0.1:${config.API_PORT}/v1`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const expectations = new Map(demoHotels().map((h) => [h.hotelId, h.expect]));

  const requests = demoRequests();
  const r = await fetch(`${api}/folios/batch`, { method: 'POST', headers, body: JSON.stringify({ requests }) });
  const body = (await r.json()) as { results?: { status: number; folio?: { folioId: string; hotelId: string }; error?: unknown }[] };
  if (!r.ok || !body.results) throw new Error(`batch submit failed: HTTP ${r.status} ${JSON.stringify(body)}`);
  const folios = body.results.flatMap((x) => (x.folio ? [x.folio] : []));
  console.log(`\n[demo] submitted ${folios.length} folio requests (one per sandbox hotel); watch them at ${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent('WorkflowType="folioWorkflow"')}\n`);
  for (const x of body.results) if (!x.folio) console.log(`[demo] rejected: ${JSON.stringify(x.error)}`);

  const last = new Map<string, string>();
  const started = Date.now();
  while (Date.now() - started < WATCH_MS) {
    await new Promise((res) => setTimeout(res, 3000));
    let settled = 0;
    for (const f of folios) {
      const g = await fetch(`${api}/folios/${f.folioId}`, { headers });
      if (!g.ok) continue;
      const v = (await g.json()) as { status: string; nextAction?: string | null; attention?: string | null };
      const line = `${v.status}${v.attention ? ` (${v.attention})` : v.nextAction ? ` (${v.nextAction})` : ''}`;
      if (last.get(f.folioId) !== line) {
        last.set(f.folioId, line);
        console.log(`[demo] ${f.hotelId.padEnd(22)} ${line}`);
      }
      if (SETTLED.has(v.status)) settled++;
    }
    if (settled === folios.length) break;
  }
  console.log('\n[demo] where each demo folio stands (and what its hotel is set up to do):');
  for (const f of folios) console.log(`  ${f.hotelId.padEnd(22)} ${(last.get(f.folioId) ?? '?').padEnd(48)} expected: ${expectations.get(f.hotelId)}`);
  console.log('\n[demo] the stack keeps running: retries and callbacks fire on their timers. Ctrl-C stops it.\n');
}

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
