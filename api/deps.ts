// What every router and the media bridge are built from.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';

export interface ApiDeps {
  config: Config;
  temporal: Client;
  store: Store;
  logger: Logger;
}
