// API keys: one per client system or operator, stored only as a SHA-256 hash (keys are 256-bit random, so a
// fast hash is enough). A client key sees its own folios; an operator key sees all and may act on them;
// a codec key opens only the Web UI codec endpoint (it ends up in the UI's configuration, so it must not
// be able to do more than the UI's viewers).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKeyRecord, ApiKeyRepository, Role } from '../adapters/mongo/api-keys';
import { ApiError } from './errors';

export type { Role };

export interface Principal {
  keyId: string;
  clientId: string;
  role: Role;
}

const KEY_PATTERN = /^fk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const CLIENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export class ApiKeys {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Returns the key once; only its hash is stored. */
  async create(input: { clientId: string; role: Role; name?: string }): Promise<{ key: string; record: Omit<ApiKeyRecord, 'hash'> }> {
    if (!CLIENT_ID_PATTERN.test(input.clientId)) throw new Error(`clientId "${input.clientId}" must be 2-63 chars of a-z, 0-9 and -`);
    const keyId = randomBytes(8).toString('hex');
    const key = `fk_${keyId}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = { _id: keyId, hash: hashKey(key), clientId: input.clientId, role: input.role, name: input.name ?? input.clientId, createdAt: new Date(), revokedAt: null };
    await this.keys.insert(record);
    const { hash: _h, ...shown } = record;
    return { key, record: shown };
  }

  list(): Promise<Omit<ApiKeyRecord, 'hash'>[]> {
    return this.keys.list();
  }

  revoke(keyId: string): Promise<boolean> {
    return this.keys.revoke(keyId);
  }

  async verify(key: string): Promise<Principal | null> {
    const m = KEY_PATTERN.exec(key);
    if (!m) return null;
    const record = await this.keys.get(m[1]);
    if (!record || record.revokedAt) return null;
    const a = Buffer.from(record.hash, 'hex');
    const b = Buffer.from(hashKey(key), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    return { keyId: record._id, clientId: record.clientId, role: record.role };
  }
}

/** `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth)) return auth.slice(7).trim();
  const x = headers['x-api-key'];
  return typeof x === 'string' ? x.trim() : undefined;
}

export function authenticate(keys: ApiKeys): RequestHandler {
  return async (req, res, next) => {
    const key = presentedKey(req.headers);
    if (!key) return next(new ApiError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)', [{ field: 'header.authorization', problem: 'missing' }]));
    const principal = await keys.verify(key);
    if (!principal) return next(new ApiError(401, 'unauthenticated', 'the API key is unknown or revoked', [{ field: 'header.authorization', problem: 'invalid key' }]));
    if (principal.role === 'codec') return next(new ApiError(403, 'forbidden', 'a codec key opens only the /codec endpoint'));
    res.locals.principal = principal;
    next();
  };
}

export const requireOperator: RequestHandler = (_req, res, next) => {
  if ((res.locals.principal as Principal | undefined)?.role !== 'operator') return next(new ApiError(403, 'forbidden', 'this action needs an operator key'));
  next();
};

export function principalOf(res: { locals: Record<string, unknown> }): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new ApiError(401, 'unauthenticated', 'an API key is required');
  return p;
}
