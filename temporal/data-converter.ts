// The data converter shared by the client and every worker: every payload is encrypted (temporal/codec.ts)
// so guest names and folio contents are unreadable in Temporal's history without the key; failure messages
// and stack traces travel as payloads too (temporal/failure-converter.ts), so they are encrypted alike.
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { codecFromConfig } from './codec';

/** For bundles built ahead of the worker (bundleWorkflowCode): workflow code converts its own failures. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function dataConverter(config: Config): DataConverter {
  return { payloadCodecs: [codecFromConfig(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
