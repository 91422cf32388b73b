// One way to reach Temporal from the API, activities, scripts and benches: the address plus the connection
// security from the environment (TLS, mTLS client certificate, API key), the same for clients and workers.
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig, type WorkflowClientInterceptor } from '@temporalio/client';
import type { Config } from '../config';
import { dataConverter } from './data-converter';

type SecurityConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_SERVER_NAME'> &
  Partial<Record<`TEMPORAL_TLS_${'CLIENT_CERT' | 'CLIENT_KEY' | 'SERVER_CA_CERT'}_${'PATH' | 'DATA'}`, string>>;

/** What `Connection.connect` and `NativeConnection.connect` both take: the address, TLS and the API key. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** A PEM given inline (…_DATA) or as a file (…_PATH); undefined when neither is set. */
function pem(config: SecurityConfig, part: 'CLIENT_CERT' | 'CLIENT_KEY' | 'SERVER_CA_CERT'): Buffer | undefined {
  const data = config[`TEMPORAL_TLS_${part}_DATA`];
  if (data) return Buffer.from(data.replace(/\\n/g, '\n'));
  const file = config[`TEMPORAL_TLS_${part}_PATH`];
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`TEMPORAL_TLS_${part}_PATH: cannot read ${file}: ${(e as Error).message}`);
  }
}

export function temporalConnectionOptions(config: SecurityConfig): TemporalConnectionOptions {
  const crt = pem(config, 'CLIENT_CERT');
  const key = pem(config, 'CLIENT_KEY');
  const ca = pem(config, 'SERVER_CA_CERT');
  const wantsTls = config.TEMPORAL_TLS ?? !!(crt || ca || config.TEMPORAL_TLS_SERVER_NAME || config.TEMPORAL_API_KEY);
  const tls: TLSConfig | undefined = wantsTls
    ? {
        ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
        ...(ca ? { serverRootCACertificate: ca } : {}),
        ...(crt && key ? { clientCertPair: { crt, key } } : {}),
      }
    : undefined;
  return { address: config.TEMPORAL_ADDRESS, ...(tls ? { tls } : {}), ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}) };
}

/** How a connection is secured, for error messages: an operator sees at once which setting to check. */
export function describeConnection(o: TemporalConnectionOptions): string {
  const how = !o.tls ? 'plain text' : `TLS${o.tls.clientCertPair ? ' with a client certificate' : ' without a client certificate'}${o.tls.serverRootCACertificate ? ', server CA given' : ''}${o.tls.serverNameOverride ? `, server name ${o.tls.serverNameOverride}` : ''}`;
  return `${o.address} (${how}${o.apiKey ? ', API key' : ''})`;
}

/** A client with the payload codec; `interceptors` are the caller's (tracing, when it is on). */
export async function connectClient(config: Config, opts: { interceptors?: WorkflowClientInterceptor[] } = {}): Promise<Client> {
  const options = temporalConnectionOptions(config);
  const connection = await Connection.connect(options).catch((e: unknown) => {
    throw new Error(`cannot connect to Temporal at ${describeConnection(options)}: ${(e as Error).message}`);
  });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config), interceptors: { workflow: opts.interceptors ?? [] } });
}
