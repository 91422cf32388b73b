// The import graph of the source folders, type-only imports included: no circles, and no folder imports one
// above it (domain/ and config/ import nothing of ours outside themselves; workflows/ only domain/ and its own).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
/** Every folder of ours that holds code (tests aside: they may reach anything). */
const SOURCE = ['activities', 'adapters', 'agent', 'api', 'bench', 'config', 'deploy', 'domain', 'observability', 'sandbox', 'scripts', 'temporal', 'workers', 'workflows'];
/** What a folder may import of ours besides itself. */
const MAY_IMPORT: Record<string, string[]> = { domain: [], config: [], workflows: ['domain'] };

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The file a relative specifier names, if it is one of our TypeScript files. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')].find((f) => existsSync(f) && statSync(f).isFile());
}

/** Every import, export-from, `import type`, `import()` and `require()` of each file: the compiler's own pre-parse. */
function importGraph(files: string[]): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((i) => resolveSpecifier(file, i.fileName)).filter((f): f is string => f !== undefined);
    graph.set(path.relative(ROOT, file), [...new Set(targets.map((f) => path.relative(ROOT, f)))]);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function circles(graph: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** Imports from a folder to one it may not import. */
function upward(graph: Graph): string[] {
  const top = (f: string) => f.split(path.sep)[0]!;
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    const allowed = MAY_IMPORT[top(from)];
    if (!allowed) continue;
    for (const to of targets) if (top(to) !== top(from) && !allowed.includes(top(to))) bad.push(`${from} → ${to}`);
  }
  return bad;
}

describe('architecture: the import graph', () => {
  const graph = importGraph(SOURCE.flatMap((d) => sourceFiles(path.join(ROOT, d))));

  it('sees type-only imports and re-exports (a circle through them would otherwise go unseen)', () => {
    // bookkeeping takes only a type from the activity contract; the workflows' index re-exports every workflow
    assert.ok(graph.get(path.join('workflows', 'folio', 'bookkeeping.ts'))?.includes(path.join('workflows', 'activity-types.ts')));
    assert.ok(graph.get(path.join('workflows', 'index.ts'))?.includes(path.join('workflows', 'call-slots.ts')));
  });

  it('finds a circle, however long, and a file importing itself', () => {
    const g: Graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    assert.deepEqual(circles(g), [['a', 'b', 'c'], ['e']]);
    assert.deepEqual(circles(new Map([['a', ['b']], ['b', []]])), []);
  });

  it('has no circles', () => {
    assert.deepEqual(circles(graph), []);
  });

  it('has no import from a lower folder to a higher one', () => {
    assert.deepEqual(upward(graph), []);
  });
});
