// The names of every metric our processes export: the API's registry and a worker's (its operations endpoint),
// for the checks that rules and dashboards read only metrics that exist.
import { MongoClient } from 'mongodb';
import { Store } from '../../adapters/mongo/store';
import { createMetrics, createWorkerMetrics } from '../../observability/metrics';

export async function exportedMetricNames(): Promise<Set<string>> {
  const client = new MongoClient('mongodb://127.0.0.1:1/'); // never connected: only the metric names are read
  try {
    const registries = [createMetrics(new Store(client.db('x'))).registry, createWorkerMetrics().registry];
    return new Set((await Promise.all(registries.map((r) => r.getMetricsAsJSON()))).flat().map((m) => m.name));
  } finally {
    await client.close();
  }
}
