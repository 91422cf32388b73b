// One way to reach Temporal from the API, activities, scripts and benches.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { dataConverter } from './data-converter';

export async function connectClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
}
