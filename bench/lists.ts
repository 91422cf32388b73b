// List latency of the embedded store at 1k, 10k and 100k folios, without the lifecycles around it: every folio
// is written as the API's create (FolioStore.create) and the workflow's first state (projectMany, "waiting for
// check-out", in bulks of 25 as the worker's writer sends them), then every list shape of GET /v1/folios is timed
// through FolioStore.list, the call that endpoint makes. The store is the embedded one (FerretDB on SQLite with
// the patch's pushdown, scripts/ferretdb/args.ts); the baseline, in the same run, is the same data in the same
// binary without the pushdown (up to --baseline-max folios: it reads the whole collection for every list).
//   npx tsx bench/lists.ts [--n 100000] [--hotels 300] [--requests 60] [--baseline-max 10000] [--results bench/results/lists.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../adapters/mongo/store';
import type { FolioFilter } from '../adapters/mongo/folios';
import { newFolioId } from '../api/folio-requests';
import { FolioStatus, type FolioRequest } from '../domain/model';
import { generatePopulation } from '../sandbox/population';
import { startSqliteStore, stopStack } from '../test/helpers/stack';
import { arg, countLabel, inPool, planRequests, quantile, runBench, textArg } from './requests';
import { round1 } from './worker-stack';

type Shapes = Record<string, { p50Ms: number; p99Ms: number }>;

async function main() {
  const p = { n: arg('n', 100_000), hotels: arg('hotels', 300), requests: arg('requests', 60), baselineMax: arg('baseline-max', 10_000), seed: arg('seed', 3) };
  const results = textArg('results') ?? 'bench/results/lists.json';
  const command = `npx tsx bench/lists.ts ${process.argv.slice(2).join(' ')}`.trim();
  console.log(command);
  try {
    await run(p, results, command);
  } finally {
    await stopStack();
  }
}

async function run(p: { n: number; hotels: number; requests: number; baselineMax: number; seed: number }, results: string, command: string) {
  const hotels = generatePopulation(p.seed, p.hotels);
  const plan = planRequests({ seed: p.seed, count: p.n, hotels, nowMs: Date.now(), fromDays: 30, toDays: 40, zipfS: 0.8 });
  // ids as the API makes them (time-ordered ULIDs), a millisecond apart as a busy API would hand them out
  const t0 = Date.now();
  const reqs: FolioRequest[] = plan.map((r, i) => ({ ...r, folioId: newFolioId(t0 + i) }));
  const stores = {
    pushdown: new Store((await startSqliteStore()).db('bench_lists')),
    baseline: new Store((await startSqliteStore({ pushdown: false })).db('bench_lists')),
  };
  for (const s of Object.values(stores)) await s.ensureIndexes();

  const write = async (store: Store, batch: FolioRequest[]) => {
    await inPool(batch, 16, async (r) => {
      const created = await store.folios.create({ request: r, workflowId: `folio-${r.folioId}`, clientReference: r.clientReference, requestHash: 'bench' });
      if (!created) throw new Error(`folio ${r.clientReference} was not created`);
    });
    for (let i = 0; i < batch.length; i += 25) {
      const written = await store.folios.projectMany(
        batch.slice(i, i + 25).map((r) => ({
          folioId: r.folioId,
          seq: 1,
          set: { status: FolioStatus.WaitingForCheckout, workflowId: `folio-${r.folioId}`, clientId: r.clientId, clientReference: r.clientReference, hotelId: r.hotelId, checkOut: r.checkOut, nextActionAt: `${r.checkOut}T12:00:00.000Z`, nextAction: 'wait for check-out', attention: null, reviewReasons: [], attempts: { calls: 0, emails: 0, reminders: 0, callbacks: 0 } },
        })),
      );
      if (written.some((w) => !w)) throw new Error('a projection write was refused');
    }
  };

  const shapes: Record<string, FolioFilter & { limit: number; next?: true }> = {
    'first page of 50': { limit: 50 },
    'first page of 200': { limit: 200 },
    'by status': { status: FolioStatus.WaitingForCheckout, limit: 50 },
    'by hotel': { hotelId: hotels[0].config.hotelId, limit: 50 },
    'needs attention': { needsAttention: true, limit: 50 },
    'next page by cursor': { limit: 50, next: true },
  };
  const measure = async (store: Store): Promise<Shapes> => {
    const out: Shapes = {};
    for (const [shape, { limit, next, ...filter }] of Object.entries(shapes)) {
      // the cursor of a page in the middle of the collection: the page after it is as costly as any
      const after = next ? (await store.folios.list({}, { limit: Math.floor(stored / 2) })).next : undefined;
      const latencies: number[] = [];
      for (let i = 0; i < Math.max(10, Math.ceil(p.requests / Object.keys(shapes).length)); i++) {
        const t = performance.now();
        const page = await store.folios.list(filter, { limit, after });
        latencies.push(performance.now() - t);
        if (page.items.length === 0 && !filter.needsAttention) throw new Error(`${shape} listed nothing`);
      }
      out[shape] = { p50Ms: round1(quantile(latencies, 0.5)), p99Ms: round1(quantile(latencies, 0.99)) };
    }
    return out;
  };

  const lists: Record<string, { folios: number; writeSeconds: number; pushdown: Shapes; baseline?: Shapes }> = {};
  let stored = 0;
  for (const checkpoint of [...new Set([1_000, 10_000, 100_000].filter((c) => c < p.n).concat(p.n))]) {
    const batch = reqs.slice(stored, checkpoint);
    const t = Date.now();
    await write(stores.pushdown, batch);
    const writeSeconds = round1((Date.now() - t) / 1000);
    if (checkpoint <= p.baselineMax) await write(stores.baseline, batch);
    stored = checkpoint;
    lists[countLabel(checkpoint)] = { folios: stored, writeSeconds, pushdown: await measure(stores.pushdown), ...(checkpoint <= p.baselineMax && { baseline: await measure(stores.baseline) }) };
    console.log(`== ${stored} folios (written in ${writeSeconds} s)`);
    for (const [shape, f] of Object.entries(lists[countLabel(checkpoint)].pushdown)) {
      const b = lists[countLabel(checkpoint)].baseline?.[shape];
      console.log(`  ${shape.padEnd(20)} p50 ${String(f.p50Ms).padStart(7)} ms  p99 ${String(f.p99Ms).padStart(7)} ms${b ? `   without pushdown: p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms` : ''}`);
    }
  }
  const worst = (at: string, side: 'pushdown' | 'baseline') => {
    const s = lists[at]?.[side];
    return s ? Math.max(...Object.values(s).map((x) => x.p99Ms)) : null;
  };
  const figures = {
    store: 'FerretDB v1.24.2 on SQLite, patched (scripts/ferretdb/sqlite-pushdown.patch), --test-sqlite-pushdown',
    folios: stored,
    listP99Ms1k: worst('1k', 'pushdown'),
    listP99Ms10k: worst('10k', 'pushdown'),
    listP99Ms100k: worst('100k', 'pushdown'),
    baselineListP99Ms1k: worst('1k', 'baseline'),
    baselineListP99Ms10k: worst('10k', 'baseline'),
    lists,
    note: 'list documents written by the API create path and the workflow projection path, timed through FolioStore.list (what GET /v1/folios calls); no lifecycles running',
    command,
    date: new Date().toISOString(),
  };
  console.log(JSON.stringify({ ...figures, lists: undefined }, null, 2));
  mkdirSync(path.dirname(results), { recursive: true });
  writeFileSync(results, JSON.stringify(figures, null, 2) + '\n');
}

runBench(main);
