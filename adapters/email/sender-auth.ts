// Who really sent a message: DKIM, SPF and DMARC checked with mailauth against DNS (the system resolver, or
// the server MAIL_AUTH_DNS names — the sandbox's). SPF needs the connecting address, which only our own
// receiving MTA can vouch for: it is read from the topmost Received line, and only when that line was
// written `by` our MTA (MAIL_RECEIVED_BY); lines further down are the sender's to invent.
import { promises as dns } from 'node:dns';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { spf } from 'mailauth/lib/spf';
import { dmarc } from 'mailauth/lib/dmarc';
import type { Config } from '../../config';
import { domainOf } from '../../domain/correlation';

export interface SenderAuth {
  /** The From address, lower-case ('' when there is none, or more than one). */
  address: string;
  /** True when the From domain's owner vouches for the message (DMARC pass, or aligned DKIM/SPF where no DMARC is published). */
  authenticated: boolean;
  /** What the checks said, for operators: `dkim=pass (d=grand.example) spf=pass dmarc=pass`. */
  summary: string;
}

export type DnsResolve = (name: string, type: string) => Promise<string[][] | string[]>;

/** `host:port` of the DNS server to ask, or the system's resolver. */
export function resolverFor(server: string | undefined): DnsResolve {
  if (!server) return (name, type) => dns.resolve(name, type) as Promise<string[][] | string[]>;
  const r = new dns.Resolver({ timeout: 2000, tries: 2 });
  r.setServers([server]);
  return (name, type) => r.resolve(name, type) as Promise<string[][] | string[]>;
}

/** The DNS the sender check asks: MAIL_AUTH_DNS, else (sandbox) the sandbox mail system's server, else the system's. */
export function mailAuthDns(config: Pick<Config, 'MODE' | 'MAIL_AUTH_DNS'>): string | undefined {
  return config.MAIL_AUTH_DNS ?? (config.MODE === 'sandbox' ? SANDBOX_MAIL_DNS : undefined);
}
export const SANDBOX_MAIL_DNS = '127.0.0.1:2553';

/** The receiving MTA whose Received lines are trusted: MAIL_RECEIVED_BY, else mx.<reply domain>. */
export function receivedBy(config: Pick<Config, 'MAIL_RECEIVED_BY' | 'MAIL_REPLY_DOMAIN'>): string {
  return (config.MAIL_RECEIVED_BY ?? `mx.${config.MAIL_REPLY_DOMAIN}`).toLowerCase();
}

/** The header block's lines, unfolded, in order (first = topmost). */
function headerLines(source: Buffer): string[] {
  const end = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  const cut = end >= 0 && (lf < 0 || end < lf) ? end : lf;
  const head = source.subarray(0, cut >= 0 ? Math.min(cut, 256 * 1024) : Math.min(source.length, 256 * 1024)).toString('latin1');
  return head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

/** The connecting client as our own MTA recorded it: address, EHLO name and envelope sender; undefined when the topmost Received is not ours. */
export function trustedClient(source: Buffer, by: string): { ip: string; helo: string; sender: string } | undefined {
  const lines = headerLines(source);
  const received = lines.find((l) => /^received:/i.test(l));
  if (!received) return undefined;
  const byHost = /\bby\s+([^\s;()]+)/i.exec(received)?.[1]?.toLowerCase();
  if (byHost !== by) return undefined;
  const ip = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i.exec(received)?.[1];
  if (!ip) return undefined;
  const helo = /^received:\s*from\s+([^\s(;]+)/i.exec(received)?.[1] ?? ip;
  // the Return-Path our delivery put above it (a sender's own Return-Path lines come later)
  const returnPath = lines.slice(0, lines.indexOf(received)).find((l) => /^return-path:/i.test(l));
  const sender = /<([^>]*)>/.exec(returnPath ?? '')?.[1] ?? '';
  return { ip, helo, sender };
}

function orgAligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export class SenderAuthenticator {
  private readonly resolver: DnsResolve;
  private readonly by: string;

  constructor(opts: { dns?: string; receivedBy: string; resolver?: DnsResolve }) {
    this.resolver = opts.resolver ?? resolverFor(opts.dns);
    this.by = opts.receivedBy.toLowerCase();
  }

  static forConfig(config: Pick<Config, 'MODE' | 'MAIL_AUTH_DNS' | 'MAIL_RECEIVED_BY' | 'MAIL_REPLY_DOMAIN'>): SenderAuthenticator {
    return new SenderAuthenticator({ dns: mailAuthDns(config), receivedBy: receivedBy(config) });
  }

  async check(source: Buffer): Promise<SenderAuth> {
    const resolver = this.resolver;
    const d = await dkimVerify(source, { resolver });
    const froms = (d.headerFrom ?? []).map((f) => f.toLowerCase());
    const address = froms.length === 1 ? froms[0]! : '';
    const fromDomain = domainOf(address);
    const dkimPassed = (d.results ?? []).filter((r) => r.status.result === 'pass');
    const dkimText = d.results?.length ? d.results.map((r) => `dkim=${r.status.result}${r.signingDomain ? ` (d=${r.signingDomain})` : ''}`).join(' ') : 'dkim=none';

    const client = trustedClient(source, this.by);
    let spfDomain: string | undefined;
    let spfText = 'spf=none (no trusted Received line)';
    if (client) {
      const s = await spf({ ip: client.ip, helo: client.helo, sender: client.sender || undefined, mta: this.by, resolver });
      spfText = `spf=${s.status.result} (${client.sender || `postmaster@${client.helo}`} from ${client.ip})`;
      if (s.status.result === 'pass') spfDomain = s.domain;
    }
    if (!address) return { address, authenticated: false, summary: `${dkimText} ${spfText} dmarc=none (${froms.length ? 'several From addresses' : 'no From address'})` };

    const m = await dmarc({
      headerFrom: address,
      spfDomains: spfDomain ? [spfDomain] : [],
      dkimDomains: dkimPassed.map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
      resolver,
    });
    const dmarcResult = m ? m.status.result : 'none';
    let authenticated = dmarcResult === 'pass';
    if (dmarcResult === 'none') {
      // No DMARC policy published: the domain still vouches through an aligned DKIM signature or SPF.
      authenticated = dkimPassed.some((r) => orgAligned(r.signingDomain.toLowerCase(), fromDomain)) || (!!spfDomain && orgAligned(spfDomain.toLowerCase(), fromDomain));
    }
    return { address, authenticated, summary: `${dkimText} ${spfText} dmarc=${dmarcResult}` };
  }
}
