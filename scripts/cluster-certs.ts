// Certificates for a Temporal cluster with TLS on, made with openssl: one CA, a certificate for the
// services (server and client between nodes), one the frontend presents, and client certificates for the
// server's system worker and for our processes. EC P-256 keys (PKCS#8), valid for `localhost` and 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterTls } from './cluster-topology';

export class CertificateError extends Error {
  override name = 'CertificateError';
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new CertificateError(`openssl is not available: ${r.error.message}`);
  if (r.status !== 0) throw new CertificateError(`openssl ${args.slice(0, 2).join(' ')} failed: ${r.stderr.trim()}`);
}

/** Creates the certificates under `dir` (kept when already there, so a restarted cluster keeps its identity). */
export function clusterCertificates(dir: string, serverName = 'localhost'): ClusterTls {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  const tls: ClusterTls = {
    ca: f('ca.pem'),
    internode: { cert: f('internode.pem'), key: f('internode-key.pem') },
    frontend: { cert: f('frontend.pem'), key: f('frontend-key.pem') },
    systemWorker: { cert: f('system-worker.pem'), key: f('system-worker-key.pem') },
    client: { cert: f('client.pem'), key: f('client-key.pem') },
    serverName,
  };
  if ([tls.ca, tls.internode.cert, tls.frontend.cert, tls.systemWorker.cert, tls.client.cert].every(existsSync)) return tls;

  const key = (out: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], dir);
  key(f('ca-key.pem'));
  writeFileSync(f('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  openssl(['req', '-x509', '-new', '-key', 'ca-key.pem', '-sha256', '-days', '825', '-subj', '/O=folio-retrieval/CN=folio cluster CA', '-extensions', 'v3_ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.pem'], dir);
  const leaf = (name: string, cn: string, usage: 'serverAuth,clientAuth' | 'clientAuth', out: { cert: string; key: string }) => {
    key(out.key);
    const names = [...new Set([serverName, 'localhost'])].map((n) => `DNS:${n}`).join(',');
    const san = usage === 'clientAuth' ? '' : `subjectAltName=${names},IP:127.0.0.1\n`;
    writeFileSync(f(`${name}.ext`), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n${san}authorityKeyIdentifier=keyid\n`);
    openssl(['req', '-new', '-key', path.basename(out.key), '-subj', `/O=folio-retrieval/CN=${cn}`, '-out', `${name}.csr`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-sha256', '-days', '397', '-extfile', `${name}.ext`, '-out', path.basename(out.cert)], dir);
  };
  leaf('internode', serverName, 'serverAuth,clientAuth', tls.internode);
  leaf('frontend', serverName, 'serverAuth,clientAuth', tls.frontend);
  leaf('system-worker', 'temporal-system-worker', 'clientAuth', tls.systemWorker);
  leaf('client', 'folio-app', 'clientAuth', tls.client);
  return tls;
}
