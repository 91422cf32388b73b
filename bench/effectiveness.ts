// End-to-end effectiveness on the sandbox population: a few hundred folio requests with check-outs spread over
// a week from a chosen start (a weekday by default), the simulated days run on Temporal's time-skipping server
// with the real workflows and activities and the real mail path (SMTP, Dovecot, our inbox monitor), then what
// came of it: validated within 1/3/5 business days of the folios the population says are obtainable, and every
// folio that still needs a person at the horizon, by reason. Prints the report and writes the figures.
//   npx tsx bench/effectiveness.ts [--start YYYY-MM-DD] [--folios 400] [--hotels 150] [--seed 1] [--spread-days 7]
//        [--days N (default: until every folio's 5th business day)] [--max-wall-minutes 40] [--count-minutes 8]
//        [--grace-hours N (default: the workflow's own, as the API starts folios)] [--mail inbox|direct] [--postgres]
//        [--first-contact call-after-grace|email-early (default: the API's, CHASE_FIRST_CONTACT)]
//        [--first-call-delay-hours N (default: the API's, CHASE_FIRST_CALL_DELAY_HOURS)]
//        [--no-client-forms (no client ever uploads a signed form it is asked for)]
//        [--agreement-email-hours N (default: the service's, CALL_AGREEMENT_EMAIL_HOURS; 0: every call item is called)]
//        [--out shard.json] [--results bench/results/effectiveness.json]
// Several runs on servers of their own, reported together: bench/effectiveness-shards.ts.
import './effectiveness-env';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, checkoutDueAt, isoWeekday, localToMs, parseLocalDate } from '../domain/business-hours';
import { DAY_MS, HOUR_MS } from '../domain/calendar';
import { FolioStatus, folioWorkflowId, hotelDispatchWorkflowId, type FolioRequest } from '../domain/model';
import { DEFAULT_CHASE_POLICY, FIRST_CONTACTS, type FirstContact } from '../domain/chase-policy';
import { callSlotsWorkflowId, type FolioStartOptions } from '../workflows/definitions';
import { folioStartOptions } from '../api/folio-requests';
import { generatePopulation } from '../sandbox/population';
import { createTimeSkipping, startMongo, startMongoOnPostgres, stopStack } from '../test/helpers/stack';
import { countActions, type ActionCount } from './actions';
import { report, summarise, type ShardResult, type Tally } from './effectiveness-report';
import { arg, inPool, planRequests, runBench, textArg } from './requests';
import { isRightFolio } from './sim-folio';
import { SimWorld } from './sim-world';
import { StallGuard } from './stall-guard';
import { NO_RETRY, TemporalEdge } from '../temporal/edge';
import { hotelReplyWorkflowType } from './workflow-types';

const SETTLED = [FolioStatus.Completed, FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.Unobtainable, FolioStatus.Cancelled];
const NEEDS_PERSON_OLD = [FolioStatus.NeedsReview, FolioStatus.NeedsAttention, FolioStatus.Unobtainable];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const DEFAULT_RESULTS = path.join(__dirname, 'results', 'effectiveness.json');

async function main() {
  const params = {
    folios: arg('folios', 400),
    hotels: arg('hotels', 150),
    seed: arg('seed', 1),
    spreadDays: arg('spread-days', 7),
    stepMinutes: arg('step-minutes', 30),
    zipf: arg('zipf', 0.8),
    maxWallMinutes: arg('max-wall-minutes', 40),
    countMinutes: arg('count-minutes', 8),
  };
  // the folios start as the API starts them (the workflow's own grace after check-out) unless --grace-hours is given
  const graceArg = textArg('grace-hours');
  // and with the API's first contact unless --first-contact names the other order (to compare them)
  const firstContact = textArg('first-contact');
  if (firstContact !== undefined && !(FIRST_CONTACTS as readonly string[]).includes(firstContact)) throw new Error(`--first-contact is one of ${FIRST_CONTACTS.join(', ')}, got "${firstContact}"`);
  if (graceArg !== undefined && !(Number(graceArg) >= 0)) throw new Error(`--grace-hours needs a number of hours, got "${graceArg}"`);
  const callDelayArg = textArg('first-call-delay-hours');
  if (callDelayArg !== undefined && !(Number(callDelayArg) >= 0)) throw new Error(`--first-call-delay-hours needs a number of hours, got "${callDelayArg}"`);
  const clientForms = !process.argv.includes('--no-client-forms');
  // the voice settings under comparison (issue: voice waste): the deployment's overflow limit, and every hotel's voicemail policy
  const overflowArg = textArg('call-overflow-seconds');
  if (overflowArg !== undefined && !(Number(overflowArg) >= 30 && Number(overflowArg) <= 1800)) throw new Error(`--call-overflow-seconds needs 30-1800 seconds, got "${overflowArg}"`);
  // call once, email the rest: how long an agreement on the phone lets a hotel's next folios go in writing
  const agreementArg = textArg('agreement-email-hours');
  if (agreementArg !== undefined && !(Number(agreementArg) >= 0 && Number(agreementArg) <= 72)) throw new Error(`--agreement-email-hours needs 0-72 hours, got "${agreementArg}"`);
  const voicemail = textArg('voicemail');
  if (voicemail !== undefined && voicemail !== 'hang-up' && voicemail !== 'leave-message') throw new Error(`--voicemail is hang-up or leave-message, got "${voicemail}"`);
  const startArg = textArg('start');
  const daysArg = textArg('days');
  const mail = textArg('mail') ?? 'inbox';
  if (mail !== 'inbox' && mail !== 'direct') throw new Error(`--mail is inbox or direct, got "${mail}"`);
  const postgres = process.argv.includes('--postgres');
  const out = textArg('out');
  const results = textArg('results') ?? (out ? undefined : DEFAULT_RESULTS);
  const command = `npx tsx bench/effectiveness.ts ${process.argv.slice(2).join(' ')}`.trim();
  const wallStart = Date.now();
  const wallDeadline = wallStart + params.maxWallMinutes * 60_000;
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  // whatever happens, the servers this run started are stopped, and the run ends by itself
  const watchdog = setTimeout(() => void hardStop('the run overran its wall-clock budget'), (params.maxWallMinutes + params.countMinutes + 10) * 60_000);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void hardStop(`${sig} received`));

  const env = await createTimeSkipping();
  const mongo = postgres ? await startMongoOnPostgres() : await startMongo();
  const hotels = generatePopulation(params.seed, params.hotels);
  if (voicemail !== undefined) for (const h of hotels) h.config.voicemail = voicemail;
  const world = await SimWorld.create({
    env,
    db: mongo.db(`effectiveness_${process.pid}`),
    hotels,
    seed: params.seed,
    mail,
    // the service's own configuration defaults: the run measures the policy the code has
    config: {
      LOG_LEVEL: 'warn',
      ...(overflowArg !== undefined && { CALL_OVERFLOW_SECONDS: overflowArg }),
      ...(agreementArg !== undefined && { CALL_AGREEMENT_EMAIL_HOURS: agreementArg }),
    },
    clientForms,
    maxConcurrentActivities: 20,
    maxConcurrentWorkflowTasks: 8,
  });
  let worldStopped = false;
  const api = folioStartOptions(world.config);
  const startOptions: FolioStartOptions = {
    ...api,
    ...(graceArg !== undefined && { checkoutGraceHours: Number(graceArg) }),
    chasePolicy: {
      ...api.chasePolicy,
      ...(firstContact !== undefined && { firstContact: firstContact as FirstContact }),
      ...(callDelayArg !== undefined && { firstCallDelayHours: Number(callDelayArg) }),
    },
  };
  try {
    // the test server's clock starts at the machine's time: skip it forward to the start, before any workflow exists
    const start = await startAt(env, startArg);
    const t0 = await env.currentTimeMs();
    const startDate = new Date(t0).toISOString().slice(0, 10);
    const startWeekday = WEEKDAYS[new Date(t0).getUTCDay()]!;
    console.log(`start ${new Date(t0).toISOString()} (${startWeekday}${start.skippedMs > 0 ? `, the server's clock moved ${(start.skippedMs / DAY_MS).toFixed(2)} days forward` : ''})`);

    const requests = planRequests({ seed: params.seed, count: params.folios, hotels, nowMs: t0, fromDays: 0, toDays: params.spreadDays, zipfS: params.zipf });
    const tz = new Map(hotels.map((h) => [h.config.hotelId, h.config.timeZone]));
    const end5 = (r: FolioRequest) => businessDayEnd(r.checkOut, tz.get(r.hotelId)!, 5);
    const horizon = daysArg !== undefined ? t0 + Number(daysArg) * DAY_MS : Math.max(...requests.map(end5)) + HOUR_MS;
    await inPool(requests, 16, (r) => world.start(r, startOptions));
    const folioIds = requests.map((r) => folioWorkflowId(r.clientId, r.clientReference));
    const guard = new StallGuard(env, world.edge.retrying(NO_RETRY), () => [[callSlotsWorkflowId(world.config.TEMPORAL_TASK_QUEUE), ...hotels.map((h) => hotelDispatchWorkflowId(h.config.hotelId))], [...world.calls.keys(), ...world.emails.keys()], folioIds]);
    console.log(`${requests.length} folio lifecycles started over ${hotels.length} hotels in ${((Date.now() - wallStart) / 1000).toFixed(0)} s; horizon ${new Date(horizon).toISOString()} (${((horizon - t0) / DAY_MS).toFixed(1)} days)`);

    // run simulated time forward in steps; the hotels' replies are timers on the same server
    let step = 0;
    for (;;) {
      if (!(await guard.sleep(Math.min(params.stepMinutes * 60_000, Math.max(60_000, horizon - (await env.currentTimeMs()))), wallDeadline))) {
        console.log('  wall-clock budget reached while time was stalled: stopping here');
        break;
      }
      step++;
      const now = await env.currentTimeMs();
      if (step % 12 === 0 || now >= horizon) {
        const settled = [...(await world.store.folios.countByStatus(SETTLED)).values()].reduce((a, b) => a + b, 0);
        console.log(`  sim +${((now - t0) / DAY_MS).toFixed(2)} d: ${settled}/${requests.length} settled, ${world.calls.size} calls, ${world.emails.size} emails (wall ${((Date.now() - wallStart) / 60_000).toFixed(1)} min)`);
        if (settled >= requests.length) break;
      }
      if (now >= horizon) break;
      if (Date.now() > wallDeadline) {
        console.log('  wall-clock budget reached: stopping here');
        break;
      }
    }
    const simEnd = await env.currentTimeMs();
    const wallSeconds = (Date.now() - wallStart) / 1000;

    // ---- what came of it ---------------------------------------------------------------------------
    const byId = new Map(requests.map((r) => [r.folioId, r]));
    const projections = await world.store.folios.all();
    const events = await world.store.folios.eventsOfType(['DocumentStored', 'FolioCompleted']);
    const firstDoc = new Map<string, number>();
    const completedAt = new Map<string, number>();
    for (const e of events) {
      const at = Date.parse(e.at);
      const m = e.type === 'DocumentStored' ? firstDoc : completedAt;
      if (!m.has(e.folioId) || m.get(e.folioId)! > at) m.set(e.folioId, at);
    }
    // strict: validated only when the folio passed the checks with the right guest's folio (the hotels' ground truth)
    const completedRight = new Set(projections.filter((p) => p.status === FolioStatus.Completed && isRightFolio(p.document?.sha256, byId.get(p.folioId)!.confirmationNumber)).map((p) => p.folioId));
    const validatedAt = new Map([...completedAt].filter(([id]) => completedRight.has(id)));
    const reqOf = (id: string) => byId.get(id);
    const truthOf = (id: string) => world.truths.get(id)!;
    const within = (m: Map<string, number>, only: (id: string) => boolean = () => true): [number, number, number] =>
      [1, 3, 5].map((days) => [...m].filter(([id, at]) => only(id) && at <= businessDayEnd(reqOf(id)!.checkOut, tz.get(reqOf(id)!.hotelId)!, days)).length) as [number, number, number];
    const hoursFromCheckout = (m: Map<string, number>) => [...m].map(([id, at]) => (at - checkoutDueAt(reqOf(id)!.checkOut, tz.get(reqOf(id)!.hotelId)!, 0)) / HOUR_MS);

    const status: Tally = {};
    const needPersonWhy: Tally = {};
    const needPersonByTruth: Tally = {};
    const truth: Tally = {};
    let needPerson = 0;
    for (const r of requests) truth[world.truths.get(r.folioId)!.category] = (truth[world.truths.get(r.folioId)!.category] ?? 0) + 1;
    for (const p of projections) {
      status[p.status] = (status[p.status] ?? 0) + 1;
      if (completedRight.has(p.folioId)) continue;
      needPerson++;
      const reason = p.status === FolioStatus.Completed ? 'completed with a document that is not the right folio' : reasonOf(p);
      needPersonWhy[reason] = (needPersonWhy[reason] ?? 0) + 1;
      const t = truthOf(p.folioId).category;
      needPersonByTruth[t] = (needPersonByTruth[t] ?? 0) + 1;
    }
    const sim = { ...world.tallies };
    const inbox = world.mailSystem?.inboxCounters ? (Object.fromEntries(Object.entries(world.mailSystem.inboxCounters).filter(([, v]) => v > 0)) as Tally) : undefined;
    const calls = [...world.calls.values()];
    const emails = [...world.emails.values()];
    const lineMix: Tally = {};
    for (const c of calls) lineMix[c.line] = (lineMix[c.line] ?? 0) + 1;
    const roots = [
      ...folioIds.map((workflowId) => ({ workflowId })),
      ...calls.map((c) => ({ workflowId: c.callId })),
      ...[...world.emails.keys()].map((id) => ({ workflowId: id })),
      ...[...world.signalWithStartRuns].map((k) => ({ workflowId: k.split('\n')[0]!, runId: k.split('\n')[1] })),
    ];
    await world.stop();
    worldStopped = true;

    console.log(`\ncounting Temporal actions from histories (deadline ${params.countMinutes} min)…`);
    const counted = await countWithDeadline(env, world.config.TEMPORAL_TASK_QUEUE, roots, params.countMinutes * 60_000);
    if (counted.note) console.log(`  ${counted.note}`);

    const obtainable = requests.filter((r) => world.truths.get(r.folioId)!.obtainable).length;
    const isObtainable = (id: string) => truthOf(id).obtainable;
    const shard: ShardResult = {
      seed: params.seed,
      folios: requests.length,
      hotels: hotels.length,
      startDate,
      startWeekday,
      firstContact: startOptions.chasePolicy?.firstContact ?? DEFAULT_CHASE_POLICY.firstContact,
      firstCallDelayHours: startOptions.chasePolicy?.firstCallDelayHours ?? DEFAULT_CHASE_POLICY.firstCallDelayHours,
      clientForms,
      callOverflowSeconds: world.config.CALL_OVERFLOW_SECONDS,
      voicemail: voicemail ?? 'leave-message',
      validatedByTruth: [...validatedAt.keys()].reduce<Tally>((t, id) => ((t[truthOf(id).category] = (t[truthOf(id).category] ?? 0) + 1), t), {}),
      simDays: (simEnd - t0) / DAY_MS,
      wallSeconds,
      status,
      obtainable,
      truth,
      validatedWithin: within(validatedAt, isObtainable),
      validated: validatedAt.size,
      completedWrong: projections.filter((p) => p.status === FolioStatus.Completed).length - completedRight.size,
      hoursToValidated: hoursFromCheckout(validatedAt),
      needPerson,
      needPersonWhy,
      needPersonByTruth,
      old: {
        retrieved: firstDoc.size,
        retrievedWithin: within(firstDoc),
        completedWithin: within(completedAt),
        hoursToFolio: hoursFromCheckout(firstDoc),
        needPerson: projections.filter((p) => NEEDS_PERSON_OLD.includes(p.status)).length,
      },
      calls: calls.length,
      lineMix,
      emailRequests: emails.filter((e) => e.kind === 'request' && !e.rejected).length,
      emailReminders: emails.filter((e) => e.kind === 'reminder' && !e.rejected).length,
      emailsRejected: emails.filter((e) => e.rejected).length,
      connectedMin: calls.reduce((x, c) => x + c.connectedSeconds, 0) / 60,
      billedMin: calls.reduce((x, c) => x + Math.ceil(c.connectedSeconds / 60), 0),
      agentMin: calls.reduce((x, c) => x + c.agentSeconds, 0) / 60,
      connectedCalls: calls.filter((c) => c.connectedSeconds > 0).length,
      actions: counted.count ? { actions: counted.count.actions, runs: counted.count.runs, events: counted.count.events, byKind: counted.count.byKind, byWorkflowType: counted.count.byWorkflowType } : null,
      actionsNote: counted.note,
      stalls: { unlocks: guard.unlocks, terminated: guard.terminated.reduce<Tally>((m, t) => ((m[t.type] = (m[t.type] ?? 0) + 1), m), {}) },
      sim,
      inbox,
    };
    if (out) writeFileSync(out, JSON.stringify(shard));
    console.log(report([shard]));
    if (results) {
      mkdirSync(path.dirname(results), { recursive: true });
      writeFileSync(results, `${JSON.stringify(summarise([shard], { command, date: new Date().toISOString() }), null, 2)}\n`);
      console.log(`figures written to ${path.relative(process.cwd(), results)}`);
    }
  } finally {
    clearTimeout(watchdog);
    if (!worldStopped) await world.stop();
    await stopStack();
  }
}

/** Why a folio that is not completed needs a person (numbers and dates folded so reasons group). */
function reasonOf(p: { status: string; reviewReasons?: string[] | null; attention?: string | null }): string {
  if (p.status === FolioStatus.NeedsReview) return `review: ${(p.reviewReasons?.[0] ?? 'unknown').replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').replace(/\d+/g, 'N')}`;
  if (p.status === FolioStatus.NeedsAttention || p.status === FolioStatus.Unobtainable) return `${p.status}: ${(p.attention ?? 'unknown').replace(/\d+/g, 'N')}`;
  return `still open at the horizon (${p.status})`;
}

/**
 * Moves the test server's clock to the start (00:00 UTC of --start, or of the next Monday): it skips time only
 * forward, so a start before the machine's own date is refused.
 */
async function startAt(env: TestWorkflowEnvironment, start: string | undefined): Promise<{ skippedMs: number }> {
  const now = await env.currentTimeMs();
  let target: number;
  if (start !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`))) throw new Error(`--start needs a date YYYY-MM-DD, got "${start}"`);
    target = Date.parse(`${start}T00:00:00Z`);
    if (target + DAY_MS <= now) throw new Error(`--start ${start} is before the test server's clock (${new Date(now).toISOString()}): it only moves forward`);
  } else {
    const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
    const daysToMonday = (8 - new Date(today).getUTCDay()) % 7 || 7;
    target = today + daysToMonday * DAY_MS;
  }
  const skip = Math.max(0, target - now);
  if (skip > 0) await env.sleep(skip);
  return { skippedMs: skip };
}

/**
 * Counts actions on a connection of its own without keep-alive pings (the Java test server answers a client's
 * pings with GOAWAY, and calls on that channel then hang), within a deadline: a count that does not finish in
 * time is reported as missing, never waited for.
 */
async function countWithDeadline(env: TestWorkflowEnvironment, taskQueue: string, roots: { workflowId: string; runId?: string }[], ms: number): Promise<{ count?: ActionCount; note?: string }> {
  const started = Date.now();
  let connection: Connection | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    connection = await Connection.connect({ address: env.address, connectTimeout: 10_000, channelArgs: { 'grpc.keepalive_time_ms': undefined, 'grpc.keepalive_timeout_ms': undefined, 'grpc.keepalive_permit_without_calls': undefined } });
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), ms)));
    const edge = new TemporalEdge(new Client({ connection, namespace: env.namespace ?? 'default' }), { taskQueue });
    const r = await Promise.race([countActions(edge, roots, { exclude: (type) => type === hotelReplyWorkflowType.name }), deadline]);
    if (r === 'deadline') return { note: `actions not counted: counting ${roots.length} histories did not finish within ${(ms / 60_000).toFixed(0)} min` };
    return { count: r, note: `counted ${r.runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s` };
  } catch (e) {
    return { note: `actions not counted: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
    await connection?.close().catch(() => undefined);
  }
}

let stopping = false;
async function hardStop(why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`[effectiveness] ${why}: stopping every server this run started`);
  await Promise.race([stopStack(), new Promise((r) => setTimeout(r, 30_000))]);
  process.exit(2);
}

/** End (local midnight) of the Nth weekday after the check-out date, in the hotel's zone. */
export function businessDayEnd(checkOut: string, timeZone: string, days: number): number {
  let d = parseLocalDate(checkOut);
  let count = 0;
  while (count < days) {
    d = addDays(d, 1);
    if (isoWeekday(d) <= 5) count++;
  }
  return localToMs(timeZone, addDays(d, 1), 0);
}

runBench(main);
