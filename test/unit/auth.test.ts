// API keys on real FerretDB: hashed at rest, verified in constant time, revocable; the key script end to end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiKeys, presentedKey } from '../../api/auth';
import { Store } from '../../adapters/mongo/store';
import type { ApiKeyRepository } from '../../adapters/mongo/api-keys';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ensureKeyFile } from '../../scripts/keys';
import { startMongo, ROOT, tempDir } from '../helpers/stack';

const run = promisify(execFile);

describe('API keys', function () {
  this.timeout(60_000);
  let keys: ApiKeys;
  let records: ApiKeyRepository;
  let dbName: string;
  before(async () => {
    const mongo = await startMongo();
    const db = mongo.db();
    dbName = db.databaseName;
    records = new Store(db).apiKeys;
    keys = new ApiKeys(records);
  });

  it('stores only a hash and verifies the key it returned', async () => {
    const { key, record } = await keys.create({ clientId: 'acme-travel', role: 'client' });
    const stored = await records.get(record._id);
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(key.split('_').at(-1)!), 'the secret is stored');
    assert.deepEqual(await keys.verify(key), { keyId: record._id, clientId: 'acme-travel', role: 'client' });
  });

  it('refuses malformed, tampered and revoked keys', async () => {
    const { key, record } = await keys.create({ clientId: 'acme-travel', role: 'operator' });
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const bad of ['', 'fk_', 'Bearer x', flipped, key + 'x', key.replace(record._id, '0000000000000000')]) assert.equal(await keys.verify(bad), null, bad);
    assert.equal(await keys.revoke(record._id), true);
    assert.equal(await keys.revoke(record._id), false);
    assert.equal(await keys.verify(key), null);
  });

  it('rejects a client id that is not a slug', async () => {
    await assert.rejects(keys.create({ clientId: 'Acme Travel', role: 'client' }), /clientId/);
  });

  it('reads the key from Authorization: Bearer or X-Api-Key', () => {
    assert.equal(presentedKey({ authorization: 'Bearer abc' }), 'abc');
    assert.equal(presentedKey({ authorization: 'bearer  abc ' }), 'abc');
    assert.equal(presentedKey({ 'x-api-key': 'abc' }), 'abc');
    assert.equal(presentedKey({ authorization: 'Basic abc' }), undefined);
  });

  it('scripts/keys.ts creates, lists and revokes', async () => {
    const mongo = await startMongo();
    const env = { ...process.env, MONGODB_URI: mongo.uri, MONGODB_DB: dbName, LOG_LEVEL: 'silent' };
    const tsx = `${ROOT}/node_modules/.bin/tsx`;
    const created = await run(tsx, ['scripts/keys.ts', 'create', 'ops-desk', '--operator', '--name', 'night shift'], { cwd: ROOT, env, timeout: 30_000 });
    const key = created.stdout.trim().split('\n').at(-1)!;
    const principal = await keys.verify(key);
    assert.equal(principal?.role, 'operator');
    const listed = await run(tsx, ['scripts/keys.ts', 'list'], { cwd: ROOT, env, timeout: 30_000 });
    assert.match(listed.stdout, new RegExp(`${principal!.keyId}\\toperator\\tops-desk\\tnight shift\\t.*\\tactive`));
    assert.ok(!listed.stdout.includes(key));
    await run(tsx, ['scripts/keys.ts', 'revoke', principal!.keyId], { cwd: ROOT, env, timeout: 30_000 });
    assert.equal(await keys.verify(key), null);
    await assert.rejects(run(tsx, ['scripts/keys.ts', 'bogus'], { cwd: ROOT, env, timeout: 30_000 }), /usage: keys.ts/);
  });

  it('ensureKeyFile reuses a valid key and replaces a revoked one', async () => {
    const file = path.join(tempDir('keys'), 'sub', 'webui-codec.key');
    const first = await ensureKeyFile(keys, file, { clientId: 'dev-webui', role: 'codec' });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(await ensureKeyFile(keys, file, { clientId: 'dev-webui', role: 'codec' }), first);
    await keys.revoke((await keys.verify(first))!.keyId);
    const second = await ensureKeyFile(keys, file, { clientId: 'dev-webui', role: 'codec' });
    assert.notEqual(second, first);
    assert.equal((await keys.verify(second))?.role, 'codec');
  });
});
