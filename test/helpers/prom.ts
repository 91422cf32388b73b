// Reading Prometheus's text exposition format, for tests and benchmarks that scrape our /metrics endpoints.

/** One sample's value (the first series of that name, whatever its labels); undefined when absent. */
export function promSample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN|[+-]Inf)$`, 'm').exec(text);
  return m ? Number(m[1].replace('Inf', 'Infinity')) : undefined;
}

/** A histogram's cumulative bucket counts, by upper bound (`+Inf` as Infinity). */
export function promBuckets(text: string, name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} ([0-9.eE+-]+)$`, 'gm'))) out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}
