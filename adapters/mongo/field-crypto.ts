// Encryption of personal data at rest in MongoDB (FerretDB has no client-side field-level encryption): values
// sealed with AES-256-GCM under keys derived from the payload key ring, the key id beside the ciphertext so old
// keys keep decrypting after a rotation; per-file data keys for GridFS.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import { keyRingFromConfig, type KeyRing } from '../../temporal/codec';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A key of its own (HKDF from each ring key), so a field key never equals the payload codec's key. */
const FIELD_PURPOSE = 'mongo-field-v1';

/** A sealed value as stored: `_enc` marks it (a plaintext object of ours never has that field). */
export interface Envelope {
  _enc: 1;
  /** Ring key id it was sealed under. */
  k: string;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

/** How a GridFS file's bytes are encrypted (kept in its metadata): a data key of its own, wrapped by a ring key. */
export interface FileHeader {
  /** The file's data key, sealed under the ring (its key id is `dek.k`). */
  dek: Envelope;
  iv: Buffer;
  tag: Buffer;
}

/** The associated data a sealed field is bound to: its collection, field and record. */
export const sealContext = (collection: string, field: string, id: string) => `${collection}.${field}:${id}`;

/** A stored value that fails its integrity check or names a key the ring does not hold: refused, never guessed. */
export class FieldDecryptError extends Error {
  override name = 'FieldDecryptError';
}

/** Bytes as the driver hands them back: a Buffer, a Uint8Array or a BSON Binary. */
function bytesOf(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  const b = v as { buffer?: Uint8Array; sub_type?: number } | null;
  if (b && b.buffer instanceof Uint8Array && typeof b.sub_type === 'number') return Buffer.from(b.buffer);
  throw new FieldDecryptError('an encrypted field holds no bytes where its iv, ciphertext or tag belong');
}

export function isEnvelope(v: unknown): v is Envelope {
  return typeof v === 'object' && v !== null && (v as { _enc?: unknown })._enc === 1;
}

export class FieldCrypto {
  private readonly fieldKeys = new Map<string, Buffer>();

  constructor(
    ring: KeyRing,
    readonly activeKeyId: string,
  ) {
    if (!ring.has(activeKeyId)) throw new FieldDecryptError(`active key "${activeKeyId}" is not in the key ring (${[...ring.keys()].join(', ')})`);
    for (const [id, key] of ring) {
      this.fieldKeys.set(id, Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), FIELD_PURPOSE, 32)));
    }
  }

  /** The ring of this process (PAYLOAD_KEYS and its active key; in sandbox mode the development key). */
  static fromConfig(config: Pick<Config, 'MODE' | 'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID'>): FieldCrypto {
    const { ring, activeKeyId } = keyRingFromConfig(config);
    return new FieldCrypto(ring, activeKeyId);
  }

  /** The sandbox's development ring: what a store built without configuration uses (tests, the dev stack). */
  static sandbox(): FieldCrypto {
    return FieldCrypto.fromConfig({ MODE: 'sandbox', PAYLOAD_KEYS: undefined, PAYLOAD_ACTIVE_KEY_ID: undefined });
  }

  /**
   * Seals a JSON value under the active key. `context` (collection, field, record id) is authenticated with it,
   * so a sealed value copied into another record or field does not decrypt there.
   */
  seal(value: unknown, context: string): Envelope {
    const { iv, ct, tag } = this.encrypt(Buffer.from(JSON.stringify(value)), this.activeKeyId, context);
    return { _enc: 1, k: this.activeKeyId, iv, ct, tag };
  }

  /** Seals a value unless it is absent (undefined or null stay as they are: "not known yet" is not personal data). */
  sealOptional<T>(value: T | null | undefined, context: string): Envelope | T | null | undefined {
    return value === undefined || value === null ? value : this.seal(value, context);
  }

  /** The plaintext of a stored value: an envelope is opened, anything else (written before encryption) is read as is. */
  open<T>(stored: unknown, context: string): T {
    if (!isEnvelope(stored)) return stored as T;
    const plain = this.decrypt(stored.k, bytesOf(stored.iv), bytesOf(stored.ct), bytesOf(stored.tag), context);
    try {
      return JSON.parse(plain.toString('utf8')) as T;
    } catch {
      throw new FieldDecryptError(`${context}: the decrypted value is not JSON`);
    }
  }

  /** Whether a stored value is plaintext or sealed under another key than the active one (what a rotation rewrites). */
  isStale(stored: unknown): boolean {
    if (stored === undefined || stored === null) return false;
    return !isEnvelope(stored) || stored.k !== this.activeKeyId;
  }

  /** Encrypts a file's bytes under a fresh data key; the ciphertext is as long as the plaintext (GCM, no padding). */
  sealBytes(bytes: Buffer, context: string): { header: FileHeader; ct: Buffer } {
    const dataKey = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return { header: { dek: this.seal(dataKey.toString('base64'), `${context}#dek`), iv, tag: cipher.getAuthTag() }, ct };
  }

  /** The plaintext of a file's bytes; without a header they were stored before encryption and are returned as they are. */
  openBytes(stored: Buffer, header: FileHeader | undefined, context: string): Buffer {
    if (!header) return stored;
    const dataKey = Buffer.from(this.open<string>(header.dek, `${context}#dek`), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, bytesOf(header.iv)).setAAD(Buffer.from(context));
      decipher.setAuthTag(bytesOf(header.tag));
      return Buffer.concat([decipher.update(stored), decipher.final()]);
    } catch (e) {
      throw new FieldDecryptError(`${context}: the stored file fails its integrity check (${(e as Error).message})`);
    }
  }

  /** A file's header with its data key re-wrapped under the active key (the bytes stay as they are). */
  rewrapHeader(header: FileHeader, context: string): FileHeader {
    return { ...header, dek: this.seal(this.open<string>(header.dek, `${context}#dek`), `${context}#dek`) };
  }

  private encrypt(plain: Buffer, keyId: string, context: string): { iv: Buffer; ct: Buffer; tag: Buffer } {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.fieldKeys.get(keyId)!, iv).setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { iv, ct, tag: cipher.getAuthTag() };
  }

  private decrypt(keyId: string, iv: Buffer, ct: Buffer, tag: Buffer, context: string): Buffer {
    const key = this.fieldKeys.get(keyId);
    if (!key) throw new FieldDecryptError(`${context}: sealed with key "${keyId}", which is not in PAYLOAD_KEYS`);
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new FieldDecryptError(`${context}: the sealed value is malformed (iv or tag of the wrong size)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch {
      throw new FieldDecryptError(`${context}: the sealed value fails its integrity check (tampered, or sealed for another record)`);
    }
  }
}
