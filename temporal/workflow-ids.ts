// Workflow ids that say nothing: a folio's workflow id is a keyed hash of the client id and its reference, so
// Temporal's history, visibility store and Web UI never show a client's reference (often a booking or guest
// name) while the same client request still maps to the same workflow (a repeat finds it; no duplicate starts).
import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { derivedKey } from './codec';

const PURPOSE = 'folio-workflow-id-v1';
const keys = new WeakMap<object, Buffer>();

/** `folio-` and 32 hex digits (128 bits) of HMAC-SHA256(key, clientId, clientReference). */
export function opaqueFolioWorkflowId(config: Pick<Config, 'MODE' | 'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID'>, clientId: string, clientReference: string): string {
  let key = keys.get(config);
  if (!key) keys.set(config, (key = derivedKey(config, PURPOSE)));
  // Length-prefixed, so ("a", "b:c") and ("a:b", "c") never collide.
  const mac = createHmac('sha256', key).update(`${clientId.length}:${clientId}|${clientReference}`).digest();
  return `folio-${mac.subarray(0, 16).toString('hex')}`;
}
