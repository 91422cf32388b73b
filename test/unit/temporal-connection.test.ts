// Temporal connection security from the environment: what each combination of variables turns into, and the
// combinations refused at start-up with the variable named.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { describeConnection, temporalConnectionOptions } from '../../temporal/client';

const dir = mkdtempSync(path.join(tmpdir(), 'folio-tls-unit-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('Temporal connection options from the environment', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is plain text to the address by default, as the dev server wants', () => {
    const o = temporalConnectionOptions(loadConfig({}));
    assert.deepEqual(o, { address: '127.0.0.1:7233' });
    assert.equal(describeConnection(o), '127.0.0.1:7233 (plain text)');
  });

  it('turns TLS on by itself for an API key (Temporal Cloud) and sends the key', () => {
    const o = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'folio.a1b2c', TEMPORAL_API_KEY: 'key-123' }));
    assert.deepEqual(o, { address: 'eu-west-1.aws.api.temporal.io:7233', tls: {}, apiKey: 'key-123' });
    assert.match(describeConnection(o), /TLS without a client certificate, API key/);
  });

  it('reads mTLS certificates from files or inline PEM (escaped newlines allowed), with the server CA and name', () => {
    const fromFiles = temporalConnectionOptions(
      loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: file('c.pem', PEM), TEMPORAL_TLS_CLIENT_KEY_PATH: file('k.pem', 'KEY'), TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', 'CA'), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }),
    );
    assert.equal(fromFiles.tls?.clientCertPair?.crt.toString(), PEM);
    assert.equal(fromFiles.tls?.clientCertPair?.key.toString(), 'KEY');
    assert.equal(fromFiles.tls?.serverRootCACertificate?.toString(), 'CA');
    assert.equal(fromFiles.tls?.serverNameOverride, 'temporal.internal');
    const inline = temporalConnectionOptions(loadConfig({ TEMPORAL_TLS_CLIENT_CERT_DATA: PEM.replace(/\n/g, '\\n'), TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY' }));
    assert.equal(inline.tls?.clientCertPair?.crt.toString(), PEM);
  });

  it('can force TLS on with nothing else (a server certificate the system trusts)', () => {
    assert.deepEqual(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' })).tls, {});
    assert.equal(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).tls, undefined);
  });

  it('refuses contradictions at start-up, naming the variable', () => {
    assert.throws(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' }), /TEMPORAL_TLS_CLIENT_KEY_PATH a client certificate and its key go together/);
    assert.throws(() => loadConfig({ TEMPORAL_TLS_CLIENT_KEY_DATA: 'k' }), /TEMPORAL_TLS_CLIENT_CERT_PATH a client certificate and its key go together/);
    assert.throws(() => loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/a', TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'b' }), /TEMPORAL_TLS_SERVER_CA_CERT_DATA cannot be set together/);
    assert.throws(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/a' }), /TEMPORAL_TLS is false while TLS certificates are configured/);
    assert.throws(() => loadConfig({ TEMPORAL_TLS: 'maybe' }), /TEMPORAL_TLS/);
  });

  it('names the file it cannot read', () => {
    const config = loadConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'k.pem') });
    assert.throws(() => temporalConnectionOptions(config), /TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read .*missing\.pem/);
  });
});
