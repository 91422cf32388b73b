// The data converter shared by the client and every worker: every payload is encrypted (temporal/codec.ts)
// so guest names and folio contents are unreadable in Temporal's history without the key.
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { codecFromConfig } from './codec';

export function dataConverter(config: Config): DataConverter {
  return { payloadCodecs: [codecFromConfig(config)] };
}
