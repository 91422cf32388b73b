// The effectiveness run at a few thousand folios as independent runs ("shards"): each shard is
// bench/effectiveness.ts with its own seed — its own hotel population, requests, time-skipping server, mail
// system and store — and the results are added up and reported together. Temporal's Java test server stops
// skipping time ever more often as the number of concurrent lifecycles on one server grows (see BENCHMARKS.md);
// shards of a few hundred folios keep each server within what it handles, and the figures sum exactly
// (counts and minutes add; medians and percentiles are taken over every folio of every shard). Shards run one
// after the other by default (the machine is shared); each has a wall-clock budget and is stopped past it.
//   npx tsx bench/effectiveness-shards.ts [--shards 5] [--parallel 1] [--first-seed 1] [--folios 400] [--hotels 150]
//        [--start YYYY-MM-DD] [--max-wall-minutes 30] [--count-minutes 8] [--results bench/results/effectiveness.json] [--postgres]
//        [--first-contact call-after-grace|email-early] [--no-client-forms] [--call-overflow-seconds N] [--voicemail hang-up|leave-message]
//        [--agreement-email-hours N]   (passed on to each shard)
//   npx tsx bench/effectiveness-shards.ts --combine 1.json 2.json …   (shards written by effectiveness.ts --out)
import './effectiveness-env';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { report, summarise, type ShardResult } from './effectiveness-report';
import { arg, inPool, textArg } from './requests';

const DEFAULT_RESULTS = path.join(__dirname, 'results', 'effectiveness.json');

async function main() {
  const command = `npx tsx bench/effectiveness-shards.ts ${process.argv.slice(2).join(' ')}`.trim();
  const results = textArg('results') ?? DEFAULT_RESULTS;
  // --combine a.json b.json …: report shards written earlier with bench/effectiveness.ts --out
  const combine = process.argv.indexOf('--combine');
  if (combine >= 0) {
    // the shard files are the words after --combine up to the next option (so `--results x.json` later is not read as one)
    const rest = process.argv.slice(combine + 1);
    const end = rest.findIndex((f) => f.startsWith('--'));
    const files = (end < 0 ? rest : rest.slice(0, end)).filter((f) => f.endsWith('.json'));
    if (files.length === 0) throw new Error('--combine needs the shard files (bench/effectiveness.ts --out) right after it');
    const shards = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as ShardResult);
    console.log(command);
    finish(shards, command, results);
    return;
  }
  const p = {
    shards: arg('shards', 5),
    parallel: arg('parallel', 1),
    firstSeed: arg('first-seed', 1),
    folios: arg('folios', 400),
    hotels: arg('hotels', 150),
    maxWallMinutes: arg('max-wall-minutes', 30),
    countMinutes: arg('count-minutes', 8),
  };
  const passOn = ['start', 'days', 'spread-days', 'grace-hours', 'first-contact', 'first-call-delay-hours', 'mail', 'call-overflow-seconds', 'voicemail', 'agreement-email-hours'].flatMap((k) => (textArg(k) !== undefined ? [`--${k}`, textArg(k)!] : []));
  const postgres = process.argv.includes('--postgres');
  const flags = ['--no-client-forms'].filter((f) => process.argv.includes(f));
  const keep = textArg('keep-shards');
  console.log(command);
  console.log(`started ${new Date().toISOString()}`);
  const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'folio-shards-'));
  mkdirSync(dir, { recursive: true });
  const seeds = Array.from({ length: p.shards }, (_, i) => p.firstSeed + i);
  const failed: number[] = [];
  try {
    await inPool(seeds, p.parallel, async (seed, i) => {
      // shards started together would start their servers at once: stagger the first ones
      if (i > 0 && i < p.parallel) await new Promise((r) => setTimeout(r, i * 45_000));
      const file = path.join(dir, `${seed}.json`);
      const args = [
        '--import',
        'tsx',
        path.join(__dirname, 'effectiveness.ts'),
        ...['--seed', String(seed), '--folios', String(p.folios), '--hotels', String(p.hotels)],
        ...['--max-wall-minutes', String(p.maxWallMinutes), '--count-minutes', String(p.countMinutes), '--out', file],
        ...passOn,
        ...flags,
        ...(postgres ? ['--postgres'] : []),
      ];
      const code = await new Promise<number | null>((resolve) => {
        // one node process per shard (no npx in between), so the budget below stops it and it stops its servers
        // in a process group of its own: whatever servers it started are stopped with the group when it ends, however it ends
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(__dirname, '..'), detached: true });
        groups.add(child.pid!);
        // each shard's whole output is kept beside its figures (an error shows there, whatever the filter below lets through)
        const log = createWriteStream(path.join(dir, `${seed}.log`));
        const relay = (b: Buffer) => {
          log.write(b);
          // progress, stall and counting lines only: the shard's full report is printed with the others at the end
          for (const line of b.toString().split('\n')) if (/^\s*(sim \+|start |\[stall-guard\]|\[sim|\[effectiveness\]|\d+ folio lifecycles|counted|actions not counted|\s*wall-clock|the test server|Error)/.test(line)) console.log(`[seed ${seed}] ${line.trim()}`);
        };
        child.stdout.on('data', relay);
        child.stderr.on('data', relay);
        const budget = setTimeout(() => {
          console.log(`[seed ${seed}] over its budget: stopping it`);
          signalGroup(child.pid!, 'SIGTERM');
          setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 60_000).unref();
        }, (p.maxWallMinutes + p.countMinutes + 15) * 60_000);
        child.once('exit', (c) => {
          clearTimeout(budget);
          // servers the shard could not stop itself (a teardown that hung, a shard stopped from outside)
          signalGroup(child.pid!, 'SIGKILL');
          groups.delete(child.pid!);
          log.end();
          if (c !== 0) console.log(`[seed ${seed}] exited with ${c}: its output is in ${path.join(dir, `${seed}.log`)}`);
          resolve(c);
        });
      });
      if (code !== 0 || !existsSync(file)) failed.push(seed);
    });
    const shards: ShardResult[] = seeds.filter((s) => !failed.includes(s)).map((s) => JSON.parse(readFileSync(path.join(dir, `${s}.json`), 'utf8')) as ShardResult);
    if (failed.length) console.log(`shards that failed (left out of the figures): seeds ${failed.join(', ')}`);
    if (shards.length) finish(shards, command, results);
  } finally {
    if (!keep && !failed.length) rmSync(dir, { recursive: true, force: true });
    else console.log(`shards' figures and output: ${dir}`);
  }
  process.exit(failed.length ? 1 : 0);
}

/** Process groups of the shards running now; stopped with this process if it is stopped. */
const groups = new Set<number>();
function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already ended
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    console.log(`${sig} received: stopping the shards`);
    for (const g of groups) signalGroup(g, 'SIGTERM');
    setTimeout(() => {
      for (const g of groups) signalGroup(g, 'SIGKILL');
      process.exit(2);
    }, 45_000);
  });

function finish(shards: ShardResult[], command: string, results: string) {
  console.log(report(shards));
  console.log('per shard (seed: folios, obtainable, validated within 5 business days of obtainable, needing a person, stalls cleared):');
  for (const s of shards) {
    const pct = (x: number, of: number) => `${((100 * x) / Math.max(of, 1)).toFixed(1)} %`;
    console.log(`  ${s.seed}: ${s.folios}, ${s.obtainable}, ${pct(s.validatedWithin[2], s.obtainable)}, ${pct(s.needPerson, s.folios)}, ${s.stalls.unlocks} unlocks / ${Object.values(s.stalls.terminated).reduce((a, b) => a + b, 0)} terminated, simulated ${s.simDays.toFixed(1)} d in ${(s.wallSeconds / 60).toFixed(1)} min`);
  }
  mkdirSync(path.dirname(results), { recursive: true });
  writeFileSync(results, `${JSON.stringify(summarise(shards, { command, date: new Date().toISOString() }), null, 2)}\n`);
  console.log(`figures written to ${path.relative(process.cwd(), results)}`);
}

void main();
