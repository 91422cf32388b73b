// The data converter shared by the client and every worker (payload encryption plugs in here).
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';

export function dataConverter(_config: Config): DataConverter {
  return {};
}
