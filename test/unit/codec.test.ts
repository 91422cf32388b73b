import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DefaultPayloadConverter } from '@temporalio/common';
import { codecFromConfig, EncryptionCodec, parsePayloadKeys, ENCRYPTED_ENCODING, KEY_ID_METADATA, SANDBOX_KEY_ID } from '../../temporal/codec';

const converter = new DefaultPayloadConverter();
const key = () => randomBytes(32).toString('base64');
const guest = { folioId: 'f1', guest: { firstName: 'Ada', lastName: 'Lovelace' }, phone: '+442071234567' };

describe('payload codec', () => {
  it('round-trips a payload and leaves no plaintext in the encoded bytes', async () => {
    const codec = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${key()}`, PAYLOAD_ACTIVE_KEY_ID: 'k1' });
    const plain = converter.toPayload(guest);
    const [enc] = await codec.encode([plain]);
    assert.equal(Buffer.from(enc.metadata!.encoding!).toString(), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(enc.metadata![KEY_ID_METADATA]!).toString(), 'k1');
    const wire = Buffer.concat([Buffer.from(enc.data!), ...Object.values(enc.metadata!).map((v) => Buffer.from(v!))]).toString('latin1');
    for (const pii of ['Ada', 'Lovelace', '+442071234567', 'json/plain']) assert.ok(!wire.includes(pii), `${pii} leaked`);
    const [dec] = await codec.decode([enc]);
    assert.deepEqual(converter.fromPayload(dec), guest);
  });

  it('uses a fresh IV each time (same value, different ciphertext)', async () => {
    const codec = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${key()}` });
    const p = converter.toPayload('same');
    const [a, b] = await codec.encode([p, p]);
    assert.notDeepEqual(Buffer.from(a.data!), Buffer.from(b.data!));
  });

  it('rotates: payloads under the old key still decrypt after a new active key, new ones use the new key', async () => {
    const k1 = key();
    const k2 = key();
    const before = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${k1}`, PAYLOAD_ACTIVE_KEY_ID: 'k1' });
    const [old] = await before.encode([converter.toPayload(guest)]);
    const after = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${k1},k2:${k2}`, PAYLOAD_ACTIVE_KEY_ID: 'k2' });
    assert.deepEqual(converter.fromPayload((await after.decode([old]))[0]), guest);
    const [fresh] = await after.encode([converter.toPayload(guest)]);
    assert.equal(Buffer.from(fresh.metadata![KEY_ID_METADATA]!).toString(), 'k2');
    // A process that has only the retired key cannot read the new payload, and says which key it lacks.
    await assert.rejects(before.decode([fresh]), /encrypted with key "k2"/);
  });

  it('rejects tampered ciphertext', async () => {
    const codec = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${key()}` });
    const [enc] = await codec.encode([converter.toPayload(guest)]);
    const data = Buffer.from(enc.data!);
    data[20] ^= 1;
    await assert.rejects(codec.decode([{ ...enc, data }]));
    await assert.rejects(codec.decode([{ ...enc, data: data.subarray(0, 10) }]), /truncated/);
  });

  it('refuses a payload without our encryption in live mode, naming why', async () => {
    const codec = codecFromConfig({ MODE: 'live', PAYLOAD_KEYS: `k1:${key()}` });
    await assert.rejects(codec.decode([converter.toPayload({ a: 1 })]), /not encrypted \(encoding "json\/plain"\)/);
    await assert.rejects(codec.decode([{ metadata: {}, data: Buffer.from('{}') }]), /not encrypted/);
    const [enc] = await codec.encode([converter.toPayload({ a: 1 })]);
    assert.deepEqual(converter.fromPayload((await codec.decode([enc]))[0]), { a: 1 });
  });

  it('passes through payloads written before encryption was on (sandbox only)', async () => {
    const codec = codecFromConfig({ MODE: 'sandbox' });
    const p = converter.toPayload({ a: 1 });
    assert.deepEqual(await codec.decode([p]), [p]);
  });

  it('derives the documented development key in sandbox mode only', async () => {
    const a = codecFromConfig({ MODE: 'sandbox' });
    const b = codecFromConfig({ MODE: 'sandbox' });
    assert.equal(a.activeKeyId, SANDBOX_KEY_ID);
    const [enc] = await a.encode([converter.toPayload('x')]);
    assert.equal(converter.fromPayload((await b.decode([enc]))[0]), 'x');
    assert.throws(() => codecFromConfig({ MODE: 'live' }), /PAYLOAD_KEYS is required/);
  });

  it('names the problem in a bad key list', () => {
    assert.throws(() => parsePayloadKeys('k1'), /must look like <keyId>:<base64 key>/);
    assert.throws(() => parsePayloadKeys('k1:AAAA'), /must be 32 bytes/);
    const k = key();
    assert.throws(() => parsePayloadKeys(`k1:${k},k1:${k}`), /appears twice/);
    assert.throws(() => new EncryptionCodec(parsePayloadKeys(`k1:${k}`), 'k9'), /"k9" is not one of PAYLOAD_KEYS/);
  });
});
