// What an effectiveness run measured, as plain numbers that add up across runs (shards), and the report
// printed from one run or from many: bench/effectiveness.ts prints its own; bench/effectiveness-shards.ts
// runs several on servers of their own and prints them together.
import { PRICE_PER_MILLION_ACTIONS_USD } from './actions';
import { quantile } from './requests';

/** List prices used for the voice cost (USD). Sources in docs/BENCHMARKS.md. */
export const PRICES = { twilioPerMinute: 0.014, twilioAmdPerCall: 0.0075, elevenLabsAgentPerMinute: 0.1 };

type Tally = Record<string, number>;

export interface ShardResult {
  seed: number;
  folios: number;
  hotels: number;
  simDays: number;
  wallSeconds: number;
  status: Tally;
  retrieved: number;
  completed: number;
  /** Folios retrieved / completed within 1, 3 and 5 business days of check-out. */
  retrievedWithin: [number, number, number];
  completedWithin: [number, number, number];
  hoursToFolio: number[];
  needPerson: number;
  why: Tally;
  calls: number;
  lineMix: Tally;
  emailRequests: number;
  emailReminders: number;
  connectedMin: number;
  billedMin: number;
  agentMin: number;
  connectedCalls: number;
  actions: { actions: number; runs: number; events: number; byKind: Tally; byWorkflowType: Record<string, { runs: number; actions: number }> };
  stalls: { unlocks: number; terminated: Tally };
}

const add = (a: Tally, b: Tally) => {
  for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  return a;
};
const list = (t: Tally) => Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ');

export function report(shards: ShardResult[]): string {
  const sum = (f: (s: ShardResult) => number) => shards.reduce((x, s) => x + f(s), 0);
  const n = sum((s) => s.folios);
  const retrieved = sum((s) => s.retrieved);
  const pct = (x: number, of = n) => `${((100 * x) / Math.max(of, 1)).toFixed(1)} %`;
  const within = (f: (s: ShardResult) => [number, number, number]) => [0, 1, 2].map((i) => pct(sum((s) => f(s)[i]))).join(' / ');
  const hours = shards.flatMap((s) => s.hoursToFolio);
  const r2 = (x: number) => x.toFixed(2);
  const why = shards.reduce((t, s) => add(t, s.why), {} as Tally);
  const byType: Record<string, { runs: number; actions: number }> = {};
  for (const s of shards) for (const [k, v] of Object.entries(s.actions.byWorkflowType)) byType[k] = { runs: (byType[k]?.runs ?? 0) + v.runs, actions: (byType[k]?.actions ?? 0) + v.actions };
  const actions = sum((s) => s.actions.actions);
  const calls = sum((s) => s.calls);
  const emails = sum((s) => s.emailRequests + s.emailReminders);
  const billedMin = sum((s) => s.billedMin);
  const agentMin = sum((s) => s.agentMin);
  const voiceUsd = billedMin * PRICES.twilioPerMinute + sum((s) => s.connectedCalls) * PRICES.twilioAmdPerCall + agentMin * PRICES.elevenLabsAgentPerMinute;
  const terminated = shards.reduce((t, s) => add(t, s.stalls.terminated), {} as Tally);
  const seeds = shards.map((s) => s.seed).join(', ');
  const days = [...new Set(shards.map((s) => s.simDays.toFixed(1)))].join('/');
  return `
== effectiveness (seed${shards.length > 1 ? 's' : ''} ${seeds}) — ${n} folios, ${sum((s) => s.hotels)} hotels${shards.length > 1 ? ` in ${shards.length} independent runs` : ''}, simulated ${days} days in ${(sum((s) => s.wallSeconds) / 60).toFixed(1)} min wall${shards.length > 1 ? ' (summed over runs)' : ''}
final status:                 ${list(shards.reduce((t, s) => add(t, s.status), {} as Tally))}
folio retrieved (in hand):    ${retrieved} (${pct(retrieved)}); completed (checked automatically): ${sum((s) => s.completed)} (${pct(sum((s) => s.completed))})
retrieved within 1 / 3 / 5 business days of check-out: ${within((s) => s.retrievedWithin)}
completed within 1 / 3 / 5 business days of check-out: ${within((s) => s.completedWithin)}
time to folio from check-out (12:00 local): median ${r2(quantile(hours, 0.5))} h, p90 ${r2(quantile(hours, 0.9))} h
calls placed ${calls} (${list(shards.reduce((t, s) => add(t, s.lineMix), {} as Tally))}); emails sent ${emails} (requests ${sum((s) => s.emailRequests)}, reminders ${sum((s) => s.emailReminders)})
per retrieved folio:          ${r2(calls / Math.max(retrieved, 1))} calls, ${r2(emails / Math.max(retrieved, 1))} emails
needing a person:             ${sum((s) => s.needPerson)} (${pct(sum((s) => s.needPerson))})
${Object.entries(why)
  .sort((a, b) => b[1] - a[1])
  .map(([k, v]) => `  ${String(v).padStart(5)}  ${k}`)
  .join('\n')}
Temporal actions:             ${actions} over ${sum((s) => s.actions.runs)} runs (${sum((s) => s.actions.events)} history events) = ${r2(actions / n)} per folio
  by kind:                    ${list(shards.reduce((t, s) => add(t, s.actions.byKind), {} as Tally))}
  by workflow:                ${Object.entries(byType).map(([k, v]) => `${k} ${v.runs} runs / ${v.actions} actions`).join(', ')}
test-server stalls cleared:   ${sum((s) => s.stalls.unlocks)} time lock(s) released, ${Object.values(terminated).reduce((a, b) => a + b, 0)} stuck run(s) terminated (${list(terminated) || 'none'})
  cost at $${PRICE_PER_MILLION_ACTIONS_USD}/M actions:    $${(((actions / n) * PRICE_PER_MILLION_ACTIONS_USD) / 1e6).toFixed(5)} per folio
voice (modelled durations):   ${r2(sum((s) => s.connectedMin) / n)} connected min per folio (${r2(billedMin / n)} billed, rounded up per call), ${r2(agentMin / n)} agent min per folio
  voice cost:                 $${r2(voiceUsd / n)} per folio, $${r2(voiceUsd / Math.max(retrieved, 1))} per retrieved folio (Twilio $${PRICES.twilioPerMinute}/min + AMD $${PRICES.twilioAmdPerCall}/call, ElevenLabs $${PRICES.elevenLabsAgentPerMinute}/agent min)
`;
}
