// What an effectiveness run measured, as plain numbers that add up across runs (shards), the report printed
// from one run or from many, and the figures written to bench/results/effectiveness.json. The headline is
// the honest one — validated (the right folio, passed the checks, no person involved) within 1/3/5 business days of check-out,
// over the folios the population says are obtainable — printed beside the figures the benchmark used to
// lead with (first document in hand, over every folio), for comparison.
import { PRICE_PER_MILLION_ACTIONS_USD } from './actions';
import { quantile } from './requests';

/** List prices used for the voice cost (USD). Sources in docs/BENCHMARKS.md. */
export const PRICES = { twilioPerMinute: 0.014, twilioAmdPerCall: 0.0075, elevenLabsAgentPerMinute: 0.1 };

export type Tally = Record<string, number>;
type Within = [number, number, number];

export interface ShardResult {
  seed: number;
  folios: number;
  hotels: number;
  /** YYYY-MM-DD (UTC) the run started on, and its weekday. */
  startDate: string;
  startWeekday: string;
  /** The chase policy's first contact the folios started with. */
  firstContact: string;
  /** Hours past the grace end the first call waited for an early written request (absent in earlier runs: 0). */
  firstCallDelayHours?: number;
  /** Whether clients asked for a guest's signed form upload it (absent in runs before clients were simulated: they never did). */
  clientForms?: boolean;
  /** The deployment's call overflow limit and every hotel's voicemail policy (absent in earlier runs: 540 s, leave-message). */
  callOverflowSeconds?: number;
  voicemail?: string;
  simDays: number;
  wallSeconds: number;
  status: Tally;
  /** Folios the population says are obtainable (the hotel has the booking and will send it), and every folio by its truth. */
  obtainable: number;
  truth: Tally;
  /** Obtainable folios validated within 1, 3 and 5 business days of check-out. */
  validatedWithin: Within;
  /** Every folio validated (the right folio passed the checks automatically), and the hours from check-out to it. */
  validated: number;
  /** Validated folios by their truth (absent in runs before it was counted). */
  validatedByTruth?: Tally;
  /** Completed by the checks with a document that was not the right folio (another guest's, other dates, a scan): a person's work. */
  completedWrong: number;
  hoursToValidated: number[];
  /** Not completed automatically at the horizon (open ones included), by reason. */
  needPerson: number;
  needPersonWhy: Tally;
  /** The same, by the folio's truth: what a person would find. */
  needPersonByTruth: Tally;
  /** The figures as the benchmark used to report them (first document, review/attention/unobtainable only). */
  old: { retrieved: number; retrievedWithin: Within; completedWithin: Within; hoursToFolio: number[]; needPerson: number };
  calls: number;
  lineMix: Tally;
  emailRequests: number;
  emailReminders: number;
  emailsRejected: number;
  connectedMin: number;
  billedMin: number;
  agentMin: number;
  connectedCalls: number;
  /** Null when counting did not finish within its deadline. */
  actions: { actions: number; runs: number; events: number; byKind: Tally; byWorkflowType: Record<string, { runs: number; actions: number }> } | null;
  actionsNote?: string;
  stalls: { unlocks: number; terminated: Tally };
  /** What the simulation did (mishearings, hang-ups, transfers, the hotels' messages and what our inbox made of them). */
  sim: Record<string, Tally>;
  inbox?: Tally;
}

const add = (a: Tally, b: Tally | undefined) => {
  for (const [k, v] of Object.entries(b ?? {})) a[k] = (a[k] ?? 0) + v;
  return a;
};
const list = (t: Tally) =>
  Object.entries(t)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The figures of one run or many, as written to bench/results/effectiveness.json. */
export function summarise(shards: ShardResult[], meta: { command: string; date: string }) {
  const sum = (f: (s: ShardResult) => number) => shards.reduce((x, s) => x + f(s), 0);
  const n = sum((s) => s.folios);
  const obtainable = sum((s) => s.obtainable);
  const validated = sum((s) => s.validated);
  const pct = (x: number, of: number) => (of > 0 ? r1((100 * x) / of) : null);
  const within = (i: number) => pct(sum((s) => s.validatedWithin[i]!), obtainable);
  const hours = shards.flatMap((s) => s.hoursToValidated);
  const calls = sum((s) => s.calls);
  const billedMin = sum((s) => s.billedMin);
  const agentMin = sum((s) => s.agentMin);
  const voiceUsd = billedMin * PRICES.twilioPerMinute + sum((s) => s.connectedCalls) * PRICES.twilioAmdPerCall + agentMin * PRICES.elevenLabsAgentPerMinute;
  const counted = shards.filter((s) => s.actions);
  const countedFolios = counted.reduce((x, s) => x + s.folios, 0);
  const actionsPerFolio = countedFolios ? counted.reduce((x, s) => x + s.actions!.actions, 0) / countedFolios : null;
  const actionUsd = actionsPerFolio === null ? null : (actionsPerFolio * PRICE_PER_MILLION_ACTIONS_USD) / 1e6;
  const oldRetrieved = sum((s) => s.old.retrieved);
  const oldHours = shards.flatMap((s) => s.old.hoursToFolio);
  const weekdays = [...new Set(shards.map((s) => s.startWeekday))];
  return {
    validatedWithin1BusinessDayPct: within(0),
    validatedWithin3BusinessDaysPct: within(1),
    validatedWithin5BusinessDaysPct: within(2),
    needingPersonPct: pct(sum((s) => s.needPerson), n),
    needingPersonByReason: shards.reduce((t, s) => add(t, s.needPersonWhy), {} as Tally),
    needingPersonByTruth: shards.reduce((t, s) => add(t, s.needPersonByTruth), {} as Tally),
    needingPersonObtainablePct: pct(sum((s) => s.needPersonByTruth.obtainable ?? 0), n),
    needingPersonUnobtainablePct: pct(sum((s) => s.needPerson - (s.needPersonByTruth.obtainable ?? 0)), n),
    validatedByTruth: shards.reduce((t, s) => add(t, s.validatedByTruth), {} as Tally),
    medianHoursToValidated: hours.length ? r2(quantile(hours, 0.5)) : null,
    p90HoursToValidated: hours.length ? r2(quantile(hours, 0.9)) : null,
    callsPerValidatedFolio: validated ? r2(calls / validated) : null,
    billedVoiceMinutesPerValidatedFolio: validated ? r2(billedMin / validated) : null,
    costPerFolioUsd: actionUsd === null ? null : Math.round(((voiceUsd / n + actionUsd) * 1e5)) / 1e5,
    voiceCostPerFolioUsd: Math.round((voiceUsd / n) * 1e5) / 1e5,
    actionCostPerFolioUsd: actionUsd === null ? null : Math.round(actionUsd * 1e5) / 1e5,
    actionsPerFolio: actionsPerFolio === null ? null : r2(actionsPerFolio),
    actionsCountedOver: `${countedFolios} of ${n} folios`,
    folios: n,
    obtainableFolios: obtainable,
    validatedFolios: validated,
    completedWithWrongDocument: sum((s) => s.completedWrong),
    foliosByTruth: shards.reduce((t, s) => add(t, s.truth), {} as Tally),
    startWeekday: weekdays.length === 1 ? weekdays[0] : weekdays.join('/'),
    firstContact: [...new Set(shards.map((s) => s.firstContact))].join('/'),
    firstCallDelayHours: [...new Set(shards.map((s) => s.firstCallDelayHours ?? 0))].join('/'),
    clientsUploadForms: [...new Set(shards.map((s) => s.clientForms ?? false))].join('/'),
    callOverflowSeconds: [...new Set(shards.map((s) => s.callOverflowSeconds ?? 540))].join('/'),
    voicemail: [...new Set(shards.map((s) => s.voicemail ?? 'leave-message'))].join('/'),
    startDate: [...new Set(shards.map((s) => s.startDate))].join('/'),
    seeds: shards.map((s) => s.seed),
    simulatedDays: r1(Math.max(...shards.map((s) => s.simDays))),
    wallMinutes: r1(sum((s) => s.wallSeconds) / 60),
    calls,
    emails: sum((s) => s.emailRequests + s.emailReminders),
    finalStatus: shards.reduce((t, s) => add(t, s.status), {} as Tally),
    old: {
      what: 'the figures the benchmark led with before: first document in hand over every folio; a person needed only for review, attention or unobtainable (open folios not counted)',
      retrievedWithin1BusinessDayPct: pct(sum((s) => s.old.retrievedWithin[0]), n),
      retrievedWithin3BusinessDaysPct: pct(sum((s) => s.old.retrievedWithin[1]), n),
      retrievedWithin5BusinessDaysPct: pct(sum((s) => s.old.retrievedWithin[2]), n),
      completedWithin5BusinessDaysPct: pct(sum((s) => s.old.completedWithin[2]), n),
      needingPersonPct: pct(sum((s) => s.old.needPerson), n),
      medianHoursToFolio: oldHours.length ? r2(quantile(oldHours, 0.5)) : null,
      callsPerRetrievedFolio: oldRetrieved ? r2(calls / oldRetrieved) : null,
      billedVoiceMinutesPerRetrievedFolio: oldRetrieved ? r2(billedMin / oldRetrieved) : null,
    },
    simulation: shards.reduce<Record<string, Tally>>((t, s) => {
      for (const [k, v] of Object.entries(s.sim)) t[k] = add(t[k] ?? {}, v);
      return t;
    }, {}),
    stalls: { unlocks: sum((s) => s.stalls.unlocks), terminated: shards.reduce((t, s) => add(t, s.stalls.terminated), {} as Tally) },
    perShard: shards.map((s) => ({
      seed: s.seed,
      folios: s.folios,
      obtainable: s.obtainable,
      validatedWithin5BusinessDaysPct: pct(s.validatedWithin[2], s.obtainable),
      needingPersonPct: pct(s.needPerson, s.folios),
      simulatedDays: r1(s.simDays),
      wallMinutes: r1(s.wallSeconds / 60),
      actionsCounted: !!s.actions,
    })),
    command: meta.command,
    date: meta.date,
  };
}

export type EffectivenessSummary = ReturnType<typeof summarise>;

export function report(shards: ShardResult[]): string {
  const sum = (f: (s: ShardResult) => number) => shards.reduce((x, s) => x + f(s), 0);
  const n = sum((s) => s.folios);
  const obtainable = sum((s) => s.obtainable);
  const pct = (x: number, of = n) => `${((100 * x) / Math.max(of, 1)).toFixed(1)} %`;
  const within = (f: (s: ShardResult) => number[], of = n) => [0, 1, 2].map((i) => pct(sum((s) => f(s)[i]!), of)).join(' / ');
  const f2 = (x: number) => x.toFixed(2);
  const hours = shards.flatMap((s) => s.hoursToValidated);
  const oldHours = shards.flatMap((s) => s.old.hoursToFolio);
  const validated = sum((s) => s.validated);
  const retrieved = sum((s) => s.old.retrieved);
  const calls = sum((s) => s.calls);
  const emails = sum((s) => s.emailRequests + s.emailReminders);
  const billedMin = sum((s) => s.billedMin);
  const agentMin = sum((s) => s.agentMin);
  const voiceUsd = billedMin * PRICES.twilioPerMinute + sum((s) => s.connectedCalls) * PRICES.twilioAmdPerCall + agentMin * PRICES.elevenLabsAgentPerMinute;
  const counted = shards.filter((s) => s.actions);
  const actions = counted.reduce((x, s) => x + s.actions!.actions, 0);
  const countedFolios = counted.reduce((x, s) => x + s.folios, 0);
  const byType: Record<string, { runs: number; actions: number }> = {};
  for (const s of counted) for (const [k, v] of Object.entries(s.actions!.byWorkflowType)) byType[k] = { runs: (byType[k]?.runs ?? 0) + v.runs, actions: (byType[k]?.actions ?? 0) + v.actions };
  const terminated = shards.reduce((t, s) => add(t, s.stalls.terminated), {} as Tally);
  const seeds = shards.map((s) => s.seed).join(', ');
  const days = [...new Set(shards.map((s) => s.simDays.toFixed(1)))].join('/');
  const starts = [...new Set(shards.map((s) => `${s.startWeekday} ${s.startDate}`))].join(', ');
  const reasons = (t: Tally) =>
    Object.entries(t)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `  ${String(v).padStart(5)}  ${k}`)
      .join('\n');
  const sims = shards.reduce<Record<string, Tally>>((t, s) => {
    for (const [k, v] of Object.entries(s.sim)) t[k] = add(t[k] ?? {}, v);
    return t;
  }, {});
  return `
== effectiveness (seed${shards.length > 1 ? 's' : ''} ${seeds}) — ${n} folios, ${sum((s) => s.hotels)} hotels${shards.length > 1 ? ` in ${shards.length} independent runs` : ''}, started ${starts}, check-outs over the first week, simulated ${days} days in ${(sum((s) => s.wallSeconds) / 60).toFixed(1)} min wall${shards.length > 1 ? ' (summed over runs)' : ''}
obtainable (the hotel has the booking and will send it): ${obtainable} of ${n} (${list(shards.reduce((t, s) => add(t, s.truth), {} as Tally))})
VALIDATED within 1 / 3 / 5 business days of check-out, of obtainable folios: ${within((s) => s.validatedWithin, obtainable)}
  time to validated from check-out (12:00 local): median ${f2(quantile(hours, 0.5))} h, p90 ${f2(quantile(hours, 0.9))} h (${validated} validated)
  per validated folio:        ${f2(calls / Math.max(validated, 1))} calls, ${f2(billedMin / Math.max(validated, 1))} billed voice minutes, ${f2(emails / Math.max(validated, 1))} emails
NEEDING A PERSON at the horizon (not completed automatically, open ones included): ${sum((s) => s.needPerson)} (${pct(sum((s) => s.needPerson))})
${reasons(shards.reduce((t, s) => add(t, s.needPersonWhy), {} as Tally))}
  by what the population says of them:
${reasons(shards.reduce((t, s) => add(t, s.needPersonByTruth), {} as Tally))}
validated, by what the population says of them: ${list(shards.reduce((t, s) => add(t, s.validatedByTruth), {} as Tally)) || 'not counted'}
first contact ${[...new Set(shards.map((s) => s.firstContact))].join('/')} (first call ${[...new Set(shards.map((s) => s.firstCallDelayHours ?? 0))].join('/')} h past the grace end); clients upload the signed forms they are asked for: ${[...new Set(shards.map((s) => (s.clientForms ? 'yes' : 'no')))].join('/')}; call overflow ${[...new Set(shards.map((s) => s.callOverflowSeconds ?? 540))].join('/')} s, voicemail ${[...new Set(shards.map((s) => s.voicemail ?? 'leave-message'))].join('/')}
final status:                 ${list(shards.reduce((t, s) => add(t, s.status), {} as Tally))}
completed with a document that is not the right folio (counted as needing a person): ${sum((s) => s.completedWrong)}
a document in hand (any document, right or not; secondary): ${retrieved} (${pct(retrieved)})

-- beside it, as this benchmark used to report (same run) --
retrieved within 1 / 3 / 5 business days of check-out (of all folios): ${within((s) => s.old.retrievedWithin)}
completed within 1 / 3 / 5 business days of check-out (of all folios): ${within((s) => s.old.completedWithin)}
time to folio from check-out: median ${f2(quantile(oldHours, 0.5))} h, p90 ${f2(quantile(oldHours, 0.9))} h
per retrieved folio:          ${f2(calls / Math.max(retrieved, 1))} calls, ${f2(billedMin / Math.max(retrieved, 1))} billed voice minutes
needing a person (review, attention, unobtainable; open not counted): ${sum((s) => s.old.needPerson)} (${pct(sum((s) => s.old.needPerson))})

calls placed ${calls} (${list(shards.reduce((t, s) => add(t, s.lineMix), {} as Tally))}); emails sent ${emails} (requests ${sum((s) => s.emailRequests)}, reminders ${sum((s) => s.emailReminders)}, refused ${sum((s) => s.emailsRejected)})
${Object.entries(sims)
  .map(([k, v]) => `simulation — ${k}: ${list(v)}`)
  .join('\n')}
inbox monitor:                ${list(shards.reduce((t, s) => add(t, s.inbox), {} as Tally)) || 'not used'}
Temporal actions:             ${counted.length ? `${actions} over ${counted.reduce((x, s) => x + s.actions!.runs, 0)} runs = ${f2(actions / Math.max(countedFolios, 1))} per folio (${countedFolios} of ${n} folios counted)` : 'not counted (deadline)'}
${counted.length ? `  by kind:                    ${list(counted.reduce((t, s) => add(t, s.actions!.byKind), {} as Tally))}\n  by workflow:                ${Object.entries(byType).map(([k, v]) => `${k} ${v.runs} runs / ${v.actions} actions`).join(', ')}\n  cost at $${PRICE_PER_MILLION_ACTIONS_USD}/M actions:    $${(((actions / Math.max(countedFolios, 1)) * PRICE_PER_MILLION_ACTIONS_USD) / 1e6).toFixed(5)} per folio` : ''}${shards
    .filter((s) => s.actionsNote)
    .map((s) => `\n  seed ${s.seed}: ${s.actionsNote}`)
    .join('')}
test-server stalls cleared:   ${sum((s) => s.stalls.unlocks)} time lock(s) released, ${Object.values(terminated).reduce((a, b) => a + b, 0)} stuck run(s) terminated (${list(terminated) || 'none'})
voice (modelled durations):   ${f2(sum((s) => s.connectedMin) / n)} connected min per folio (${f2(billedMin / n)} billed, rounded up per call), ${f2(agentMin / n)} agent min per folio
  voice cost:                 $${f2(voiceUsd / n)} per folio, $${f2(voiceUsd / Math.max(validated, 1))} per validated folio (Twilio $${PRICES.twilioPerMinute}/min + AMD $${PRICES.twilioAmdPerCall}/call, ElevenLabs $${PRICES.elevenLabsAgentPerMinute}/agent min)
`;
}
