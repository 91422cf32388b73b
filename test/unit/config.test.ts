import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../config';
import { FIRST_CONTACTS } from '../../domain/chase-policy';

describe('config', () => {
  it('gives embedded-mode defaults with an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.MODE, 'sandbox');
    assert.equal(c.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(c.CALL_OVERFLOW_SECONDS, 540);
    assert.equal(c.WORKER_MAX_CACHED_WORKFLOWS, 100, 'a bounded workflow cache, not the SDK heap-sized default');
    assert.equal(c.WORKER_WORKFLOW_HEAP_MB, 0, 'the workflow heap bound follows the cache bound unless set');
    assert.equal(c.CHASE_FIRST_CONTACT, 'email-early', 'new folios write to the hotel first');
  });
  it('refuses a first contact the chase policy does not know, naming the variable', () => {
    for (const first of FIRST_CONTACTS) assert.equal(loadConfig({ CHASE_FIRST_CONTACT: first }).CHASE_FIRST_CONTACT, first);
    assert.throws(() => loadConfig({ CHASE_FIRST_CONTACT: 'fax-first' }), (e: unknown) => e instanceof ConfigError && /CHASE_FIRST_CONTACT/.test(e.message));
  });
  it('names the bad variable in a one-line error', () => {
    assert.throws(() => loadConfig({ API_PORT: 'eighty' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /API_PORT/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  });
  it('refuses live mode without vendor credentials instead of falling back to the sandbox', () => {
    assert.throws(() => loadConfig({ MODE: 'live' }), /TWILIO_ACCOUNT_SID is required when MODE=live/);
  });
});
