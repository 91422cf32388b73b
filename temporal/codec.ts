// Payload encryption: AES-256-GCM over the whole serialized payload, key id in the payload metadata.
// Several keys may be configured; new payloads use the active key, old ones decrypt with theirs (rotation).
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Config } from '../config';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Sandbox only: a fixed, published key so a fresh machine works without setup. Never used in live mode. */
export const SANDBOX_KEY_ID = 'sandbox-dev';
export const SANDBOX_KEY_SEED = 'folio-sandbox-payload-key-v1';

export type KeyRing = Map<string, Buffer>;

/** Parses `k1:<base64 32 bytes>,k2:<…>`; a bad entry is an error naming it, never a silent skip. */
export function parsePayloadKeys(spec: string): KeyRing {
  const ring: KeyRing = new Map();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sep = entry.indexOf(':');
    if (sep <= 0) throw new ValueError(`PAYLOAD_KEYS entry "${entry.slice(0, 12)}…" must look like <keyId>:<base64 key>`);
    const id = entry.slice(0, sep);
    if (!/^[\w.-]{1,64}$/.test(id)) throw new ValueError(`PAYLOAD_KEYS key id "${id}" may hold only letters, digits, . _ -`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new ValueError(`PAYLOAD_KEYS key "${id}" must be 32 bytes (base64), got ${key.length}`);
    if (ring.has(id)) throw new ValueError(`PAYLOAD_KEYS key id "${id}" appears twice`);
    ring.set(id, key);
  }
  if (ring.size === 0) throw new ValueError('PAYLOAD_KEYS holds no keys');
  return ring;
}

/** A payload that bypassed the codec, met where only encrypted ones are accepted (live mode). */
export class UnencryptedPayloadError extends ValueError {
  override name = 'UnencryptedPayloadError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keys: KeyRing,
    readonly activeKeyId: string,
    /** Live mode: a payload without our encryption is refused, never read (someone wrote it around the codec). */
    readonly requireEncrypted = false,
  ) {
    if (!keys.has(activeKeyId)) throw new ValueError(`PAYLOAD_ACTIVE_KEY_ID "${activeKeyId}" is not one of PAYLOAD_KEYS (${[...keys.keys()].join(', ')})`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.activeKeyId)!;
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(this.activeKeyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = Buffer.from(p.metadata?.encoding ?? []).toString();
      if (encoding !== ENCRYPTED_ENCODING) {
        if (this.requireEncrypted) throw new UnencryptedPayloadError(`refused a payload that is not encrypted (encoding "${encoding.slice(0, 40)}"): in live mode every payload must be encoded ${ENCRYPTED_ENCODING}`);
        // Sandbox: payloads written before encryption was switched on stay readable.
        return p;
      }
      const keyId = Buffer.from(p.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new ValueError(`payload was encrypted with key "${keyId}", which is not in PAYLOAD_KEYS`);
      const data = Buffer.from(p.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

type KeyConfig = Pick<Config, 'MODE' | 'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID'>;

/** The configured key ring and its active key id, or in sandbox mode (only) the documented development key. */
export function keyRingFromConfig(config: KeyConfig): { ring: KeyRing; activeKeyId: string } {
  if (config.PAYLOAD_KEYS) {
    const ring = parsePayloadKeys(config.PAYLOAD_KEYS);
    // Without an explicit active key the last listed one is the newest.
    return { ring, activeKeyId: config.PAYLOAD_ACTIVE_KEY_ID ?? [...ring.keys()].at(-1)! };
  }
  if (config.MODE === 'live') throw new ValueError('PAYLOAD_KEYS is required when MODE=live');
  return { ring: new Map([[SANDBOX_KEY_ID, createHash('sha256').update(SANDBOX_KEY_SEED).digest()]]), activeKeyId: SANDBOX_KEY_ID };
}

/** The codec for this process; in live mode it refuses payloads that are not encrypted. */
export function codecFromConfig(config: KeyConfig): EncryptionCodec {
  const { ring, activeKeyId } = keyRingFromConfig(config);
  return new EncryptionCodec(ring, activeKeyId, config.MODE === 'live');
}

/**
 * A key for another purpose, derived (HKDF-SHA256) from the active payload key, so it needs no setting of its
 * own and never equals the encryption key. `purpose` names the use (e.g. "folio-workflow-id-v1").
 */
export function derivedKey(config: KeyConfig, purpose: string): Buffer {
  const { ring, activeKeyId } = keyRingFromConfig(config);
  if (!ring.has(activeKeyId)) throw new ValueError(`PAYLOAD_ACTIVE_KEY_ID "${activeKeyId}" is not one of PAYLOAD_KEYS (${[...ring.keys()].join(', ')})`);
  return Buffer.from(hkdfSync('sha256', ring.get(activeKeyId)!, Buffer.alloc(0), purpose, 32));
}
