// The at-rest envelope for MongoDB fields and GridFS files: round trips, key ids and rotation, plaintext read
// as is, and every kind of damage refused with a FieldDecryptError naming the record.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FieldCrypto, FieldDecryptError, isEnvelope, type Envelope } from '../../adapters/mongo/field-crypto';
import { parsePayloadKeys } from '../../temporal/codec';

const k = () => randomBytes(32).toString('base64');
const [K1, K2] = [k(), k()];
const ring1 = () => new FieldCrypto(parsePayloadKeys(`k1:${K1}`), 'k1');
const ring2 = () => new FieldCrypto(parsePayloadKeys(`k1:${K1},k2:${K2}`), 'k2');
const REQUEST = { guest: { firstName: 'Ada', lastName: 'Lovelace' }, confirmationNumber: 'CNF-4711' };

describe('field crypto (MongoDB at rest)', () => {
  it('seals a value under the active key: no plaintext in what is stored, the same value back', () => {
    const c = ring1();
    const sealed = c.seal(REQUEST, 'folio_details.request:f-1');
    assert.ok(isEnvelope(sealed));
    assert.equal(sealed.k, 'k1');
    const raw = JSON.stringify(sealed) + sealed.ct.toString('latin1');
    for (const secret of ['Lovelace', 'CNF-4711']) assert.ok(!raw.includes(secret), `${secret} readable`);
    assert.deepEqual(c.open(sealed, 'folio_details.request:f-1'), REQUEST);
    // a fresh IV each time: the same value never seals to the same bytes
    assert.notDeepEqual(c.seal(REQUEST, 'x').ct, c.seal(REQUEST, 'x').ct);
  });

  it('reads values written before encryption as they are; absent values stay absent', () => {
    const c = ring1();
    assert.deepEqual(c.open(REQUEST, 'ctx'), REQUEST);
    assert.equal(c.open('plain', 'ctx'), 'plain');
    assert.equal(c.sealOptional(null, 'ctx'), null);
    assert.equal(c.sealOptional(undefined, 'ctx'), undefined);
  });

  it('rotation: a new active key seals new values; old ones still open and are stale until re-sealed', () => {
    const old = ring1().seal(REQUEST, 'ctx');
    const c = ring2();
    assert.deepEqual(c.open(old, 'ctx'), REQUEST);
    assert.equal(c.isStale(old), true);
    assert.equal(c.isStale(REQUEST), true, 'plaintext is stale too');
    const fresh = c.seal(c.open(old, 'ctx'), 'ctx');
    assert.equal(fresh.k, 'k2');
    assert.equal(c.isStale(fresh), false);
    // a ring without the key names the missing key id
    assert.throws(() => new FieldCrypto(parsePayloadKeys(`k2:${K2}`), 'k2').open(old, 'ctx'), (e: Error) => e instanceof FieldDecryptError && /key "k1".*not in PAYLOAD_KEYS/.test(e.message));
  });

  it('refuses tampered ciphertext, tags, ivs, key ids, and a value moved to another record', () => {
    const c = ring2();
    const sealed = c.seal(REQUEST, 'folio_details.request:f-1');
    const flip = (b: Buffer) => Buffer.from(b.map((x, i) => (i === 0 ? x ^ 1 : x)));
    const damaged: [string, Envelope, string][] = [
      ['ciphertext', { ...sealed, ct: flip(sealed.ct) }, 'folio_details.request:f-1'],
      ['tag', { ...sealed, tag: flip(sealed.tag) }, 'folio_details.request:f-1'],
      ['iv', { ...sealed, iv: sealed.iv.subarray(1) }, 'folio_details.request:f-1'],
      ['key id', { ...sealed, k: 'k1' }, 'folio_details.request:f-1'],
      ['record', sealed, 'folio_details.request:f-2'],
    ];
    for (const [what, env, ctx] of damaged) assert.throws(() => c.open(env, ctx), (e: Error) => e instanceof FieldDecryptError && e.message.startsWith(ctx), what);
    assert.throws(() => c.open({ ...sealed, ct: 'not bytes' }, 'ctx'), FieldDecryptError);
  });

  it('files: encrypted under a data key of their own, same length, re-wrapped on rotation without touching the bytes', () => {
    const pdf = Buffer.from('%PDF-1.4 guest Ada Lovelace CNF-4711 %%EOF');
    const { header, ct } = ring1().sealBytes(pdf, 'documents:doc-1');
    assert.equal(ct.length, pdf.length);
    assert.ok(!ct.includes('Lovelace'));
    assert.deepEqual(ring1().openBytes(ct, header, 'documents:doc-1'), pdf);
    const c = ring2();
    const rewrapped = c.rewrapHeader(header, 'documents:doc-1');
    assert.equal(rewrapped.dek.k, 'k2');
    assert.deepEqual(c.openBytes(ct, rewrapped, 'documents:doc-1'), pdf);
    assert.deepEqual(c.openBytes(pdf, undefined, 'documents:doc-1'), pdf, 'a file stored before encryption reads as it is');
    const tampered = Buffer.from(ct);
    tampered[5] ^= 1;
    assert.throws(() => c.openBytes(tampered, rewrapped, 'documents:doc-1'), (e: Error) => e instanceof FieldDecryptError && /documents:doc-1.*integrity/.test(e.message));
    assert.throws(() => c.openBytes(ct, rewrapped, 'documents:doc-2'), FieldDecryptError, 'a header moved to another file');
  });
});
