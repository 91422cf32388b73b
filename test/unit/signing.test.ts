// Timestamped HMAC signatures: one or several secrets, the age window, and the refusals.
import assert from 'node:assert/strict';
import { digestsEqual, signBody, verifyBody } from '../../adapters/http/signing';

describe('signing', () => {
  const body = '{"folioId":"f1"}';
  const t = 1_800_000_000;
  const now = t * 1000;

  it('signs with every secret given; a receiver holding any one of them verifies', () => {
    const header = signBody(['new', 'old'], body, t);
    assert.equal(header.split(',').length, 3);
    assert.ok(verifyBody('new', body, header, { now }));
    assert.ok(verifyBody('old', body, header, { now }));
    assert.ok(verifyBody(['x', 'old'], body, header, { now }));
    assert.equal(verifyBody('other', body, header, { now }), false);
  });

  it('refuses an altered body, an old or future timestamp, a repeated t, a bad header and another scheme', () => {
    const header = signBody(['s'], body, t);
    assert.equal(verifyBody('s', `${body} `, header, { now }), false);
    assert.equal(verifyBody('s', body, header, { now: now + 301_000 }), false);
    assert.equal(verifyBody('s', body, header, { now: now - 301_000 }), false);
    assert.ok(verifyBody('s', body, header, { now: now + 1_700_000, toleranceSeconds: 1800 }));
    assert.equal(verifyBody('s', body, `t=${t},${header}`, { now }), false);
    assert.equal(verifyBody('s', body, 'garbage', { now }), false);
    assert.equal(verifyBody('s', body, header.replace('v1=', 'v0='), { now }), false);
    assert.ok(verifyBody('s', body, signBody(['s'], body, t, 'v0'), { now, scheme: 'v0' }));
  });

  it('compares digests of any length without throwing', () => {
    assert.ok(digestsEqual('abc', 'abc'));
    assert.equal(digestsEqual('abc', 'abd'), false);
    assert.equal(digestsEqual('abc', 'ab'), false);
    assert.equal(digestsEqual('', 'a'), false);
  });
});
