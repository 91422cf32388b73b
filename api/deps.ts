// What every router and the media bridge are built from.
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import type { TemporalEdge } from '../temporal/edge';

export interface ApiDeps {
  config: Config;
  /** The only way to workflows. */
  temporal: TemporalEdge;
  store: Store;
  logger: Logger;
}
