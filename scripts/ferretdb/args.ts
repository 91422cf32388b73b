// How the embedded store runs: FerretDB (built with scripts/ferretdb/sqlite-pushdown.patch) on SQLite files in
// `dir`, with the patch's pushdown on (docs/toolchain.md, "FerretDB patch"). One definition for the dev stack,
// the tests and the benchmarks, so they all measure the store users get.

/**
 * The backend arguments of the embedded store: SQLite files in `dir`, pushdown of equality and `_id` order
 * (`pushdown: false` only for a benchmark's baseline: FerretDB's own behaviour).
 */
export function sqliteStoreArgs(dir: string, opts: { pushdown?: boolean } = {}): string[] {
  return ['--handler=sqlite', `--sqlite-url=file:${dir}/`, ...(opts.pushdown === false ? [] : ['--test-sqlite-pushdown'])];
}
