// Outgoing POSTs to a URL a client gave us, safe against server-side request forgery: the URL is checked
// when the request is made and again before each delivery; the host is resolved once per delivery, every
// address it resolves to must be public (adapters/http/address-policy.ts), and the connection goes to the
// address that was checked (pinned), so a DNS answer that changes in between (rebinding) reaches nothing
// internal. No redirects are followed; the answer's body is read up to a small cap and dropped.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddress } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Name resolution (the system resolver by default): the one place a host name becomes addresses. */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;
export const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface WebhookPolicy {
  /** Live mode: https only, and every address public. The sandbox delivers to local receivers over http. */
  publicOnly: boolean;
  resolve?: Resolve;
}

/** `unresolved`: the host has no address now (may be passing: checked again at delivery, which retries). */
export type WebhookCheck = { ok: true; url: URL; address: ResolvedAddress } | { ok: false; reason: string; unresolved?: true };

/** Checks a webhook URL and resolves its host once; the address returned is the one to connect to. */
export async function checkWebhookUrl(raw: string, policy: WebhookPolicy): Promise<WebhookCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && (policy.publicOnly || url.protocol !== 'http:')) return { ok: false, reason: policy.publicOnly ? 'must be https' : 'must be http or https' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      addresses = [];
    }
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve`, unresolved: true };
  if (policy.publicOnly) {
    // Every address, not only the first: a connection attempt may fall through to any of them.
    for (const a of addresses) {
      const why = refusedAddress(a.address);
      if (why) return { ok: false, reason: `host ${host} resolves to ${why}` };
    }
  }
  return { ok: true, url, address: addresses[0]! };
}

export class WebhookRefusedError extends Error {
  override name = 'WebhookRefusedError';
}
export class WebhookNetworkError extends Error {
  override name = 'WebhookNetworkError';
}

export interface PostOptions extends WebhookPolicy {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Bytes of the answer read before it is dropped (default 64 kB). */
  maxResponseBytes?: number;
}

/**
 * POSTs `body` to `url`, connecting only to the address checked for it. Resolves with the HTTP status;
 * throws WebhookRefusedError for a URL the policy refuses and WebhookNetworkError when its host does not
 * resolve or nothing answered.
 */
export async function postWebhook(rawUrl: string, body: string, opts: PostOptions): Promise<{ status: number }> {
  const check = await checkWebhookUrl(rawUrl, opts);
  if (!check.ok) throw check.unresolved ? new WebhookNetworkError(`delivery webhook ${check.reason}`) : new WebhookRefusedError(`delivery webhook ${check.reason}`);
  const { url, address } = check;
  // Whatever the HTTP stack asks to resolve, it gets the checked address: no second lookup happens.
  const pinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [address]);
    else cb(null, address.address, address.family);
  };
  const cap = opts.maxResponseBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > cap) res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0 });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('error', (e) => reject(new WebhookNetworkError(`delivery to the client endpoint failed: ${e.message}`)));
    req.end(body);
  });
}
