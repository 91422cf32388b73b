// Each client's delivery signing secrets: made at random, shown once, kept sealed with the payload key
// ring (AES-256-GCM, the key id stored beside the ciphertext), rotated with an overlap in which the new
// secret and the old one both sign.
import { randomBytes } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../temporal/codec';
import type { ClientRepository, SealedSecret } from '../mongo/clients';

export interface DeliverySecretInfo {
  secretId: string;
  createdAt: string;
  /** Null for the current secret; when the overlap of a replaced one ends. */
  expiresAt: string | null;
}

export interface RotatedSecret extends DeliverySecretInfo {
  /** The secret itself: shown this once, never again. */
  secret: string;
  /** When the secrets it replaces stop signing (null when there were none). */
  previousExpireAt: string | null;
}

export type RevokeResult = 'revoked' | 'not_found' | 'last_secret';

const live = (now: Date) => (s: SealedSecret) => s.expiresAt === null || new Date(s.expiresAt) > now;
const info = (s: SealedSecret): DeliverySecretInfo => ({ secretId: s.secretId, createdAt: new Date(s.createdAt).toISOString(), expiresAt: s.expiresAt ? new Date(s.expiresAt).toISOString() : null });

export class DeliverySecrets {
  constructor(
    private readonly clients: ClientRepository,
    private readonly codec: PayloadCodec,
  ) {}

  private async seal(secret: string): Promise<{ keyId: string; sealed: string }> {
    const [p] = await this.codec.encode([{ metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from(secret) }]);
    return { keyId: Buffer.from(p!.metadata![KEY_ID_METADATA]!).toString(), sealed: Buffer.from(p!.data!).toString('base64') };
  }

  private async unseal(s: SealedSecret): Promise<string> {
    const [p] = await this.codec.decode([{ metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(s.keyId) }, data: Buffer.from(s.sealed, 'base64') }]);
    return Buffer.from(p!.data!).toString();
  }

  /** A new current secret; the ones it replaces keep signing for `overlapSeconds` (0: they stop now). */
  async rotate(clientId: string, overlapSeconds: number, now = new Date()): Promise<RotatedSecret> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const fresh: SealedSecret = { secretId: randomBytes(6).toString('hex'), ...(await this.seal(secret)), createdAt: now, expiresAt: null };
    const overlapEnd = new Date(now.getTime() + overlapSeconds * 1000);
    let previous: Date | null = null;
    await this.clients.changeSecrets(clientId, (current) => {
      const kept = current.filter(live(now)).map((s) => ({ ...s, expiresAt: s.expiresAt && new Date(s.expiresAt) < overlapEnd ? s.expiresAt : overlapEnd }));
      previous = kept.length ? overlapEnd : null;
      return [...kept, fresh];
    });
    return { ...info(fresh), secret, previousExpireAt: previous ? (previous as Date).toISOString() : null };
  }

  /** The secrets that sign now, newest first (empty when the client has none). */
  async signing(clientId: string, now = new Date()): Promise<string[]> {
    const doc = await this.clients.get(clientId);
    const current = (doc?.deliverySecrets ?? []).filter(live(now)).sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
    return Promise.all(current.map((s) => this.unseal(s)));
  }

  /** The secrets that sign now, without their values. */
  async list(clientId: string, now = new Date()): Promise<DeliverySecretInfo[]> {
    const doc = await this.clients.get(clientId);
    return (doc?.deliverySecrets ?? []).filter(live(now)).map(info);
  }

  /** Ends a secret at once (e.g. the old one, before its overlap is over). The last one that signs stays: rotate first. */
  async revoke(clientId: string, secretId: string, now = new Date()): Promise<RevokeResult> {
    let result: RevokeResult = 'not_found';
    await this.clients.changeSecrets(clientId, (current) => {
      const signing = current.filter(live(now));
      if (!signing.some((s) => s.secretId === secretId)) {
        result = 'not_found';
        return current;
      }
      if (signing.length === 1) {
        result = 'last_secret';
        return current;
      }
      result = 'revoked';
      return signing.filter((s) => s.secretId !== secretId);
    });
    return result;
  }
}
