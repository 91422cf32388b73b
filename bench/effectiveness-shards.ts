// The effectiveness run at a few thousand folios as independent runs ("shards"): each shard is
// bench/effectiveness.ts with its own seed — its own hotel population, requests, time-skipping server and
// store — and the results are added up and reported together. Temporal's Java test server stops skipping
// time ever more often as the number of concurrent lifecycles on one server grows (see BENCHMARKS.md);
// shards of a few hundred folios keep each server within what it handles, and the figures sum exactly
// (counts and minutes add; medians and percentiles are taken over every folio of every shard).
//   npx tsx bench/effectiveness-shards.ts --combine 1.json 2.json …   (shards written by effectiveness.ts --out)
//   npx tsx bench/effectiveness-shards.ts [--shards 5] [--parallel 2] [--first-seed 1] [--folios 400] [--hotels 150] [--days 9] [--max-wall-minutes 30] [--postgres]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { report, type ShardResult } from './effectiveness-report';
import { arg, inPool } from './requests';

async function main() {
  // --combine a.json b.json …: report shards written earlier with bench/effectiveness.ts --out
  const combine = process.argv.indexOf('--combine');
  if (combine >= 0) {
    const files = process.argv.slice(combine + 1).filter((f) => !f.startsWith('--'));
    const shards = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as ShardResult);
    console.log(`npx tsx bench/effectiveness-shards.ts --combine ${files.map((f) => path.basename(f)).join(' ')}`);
    printReport(shards);
    return;
  }
  const p = { shards: arg('shards', 5), parallel: arg('parallel', 2), firstSeed: arg('first-seed', 1), folios: arg('folios', 400), hotels: arg('hotels', 150), days: arg('days', 9), maxWallMinutes: arg('max-wall-minutes', 30) };
  const postgres = process.argv.includes('--postgres');
  console.log(`npx tsx bench/effectiveness-shards.ts ${Object.entries(p).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(' ')}${postgres ? ' --postgres' : ''}`);
  console.log(`started ${new Date().toISOString()}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'folio-shards-'));
  const seeds = Array.from({ length: p.shards }, (_, i) => p.firstSeed + i);
  const failed: number[] = [];
  try {
    await inPool(seeds, p.parallel, async (seed) => {
      const args = ['tsx', path.join(__dirname, 'effectiveness.ts'), '--seed', String(seed), '--folios', String(p.folios), '--hotels', String(p.hotels), '--days', String(p.days), '--max-wall-minutes', String(p.maxWallMinutes), '--out', path.join(dir, `${seed}.json`), ...(postgres ? ['--postgres'] : [])];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const relay = (b: Buffer) => {
          // progress and stall lines only: the shard's full report is printed with the others at the end
          for (const line of b.toString().split('\n')) if (/^\s*(sim \+|\[stall-guard\]|\d+ folio lifecycles|\s*wall-clock)/.test(line)) console.log(`[seed ${seed}] ${line.trim()}`);
        };
        child.stdout.on('data', relay);
        child.stderr.on('data', relay);
        child.once('exit', resolve);
      });
      if (code !== 0) failed.push(seed);
    });
    const shards: ShardResult[] = seeds.filter((s) => !failed.includes(s)).map((s) => JSON.parse(readFileSync(path.join(dir, `${s}.json`), 'utf8')) as ShardResult);
    if (failed.length) console.log(`shards that failed (left out of the figures): seeds ${failed.join(', ')}`);
    printReport(shards);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed.length ? 1 : 0);
}

function printReport(shards: ShardResult[]) {
  console.log(report(shards));
  console.log('per shard (seed: folios, retrieved within 5 business days, stalls cleared):');
  for (const s of shards) console.log(`  ${s.seed}: ${s.folios}, ${((100 * s.retrievedWithin[2]) / s.folios).toFixed(1)} %, ${s.stalls.unlocks} unlocks / ${Object.values(s.stalls.terminated).reduce((a, b) => a + b, 0)} terminated, simulated ${s.simDays.toFixed(1)} d in ${(s.wallSeconds / 60).toFixed(1)} min`);
}

void main();
