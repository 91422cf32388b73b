// What every router and the media bridge are built from.
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Store } from '../adapters/mongo/store';
import type { TemporalEdge } from '../temporal/edge';
import type { CallbackRelay } from '../adapters/callbacks/relay';

export interface ApiDeps {
  config: Config;
  /** The only way to workflows. */
  temporal: TemporalEdge;
  store: Store;
  logger: Logger;
  /** Where accepted callbacks are written down and relayed from (default: one per store, started on first use). */
  relay?: CallbackRelay;
}
