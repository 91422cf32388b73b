// How the sandbox's other mail domains (the hotels) send, as real organisations do: each domain has its
// own outbound address (a loopback IP of its own), a DKIM key that signs its mail, and DNS that says so
// (the DKIM key, an SPF record naming that address, a DMARC policy of reject). Anyone else sending in
// its name (another address, no signature) fails the receiver's checks.
import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Zone } from './dns';

export const DKIM_SELECTOR = 'sandbox';

export interface SenderIdentity {
  domain: string;
  /** The loopback address the domain's mail leaves from (its SPF record names it). */
  ip: string;
  /** What its MTA says in EHLO. */
  helo: string;
  dkim: { domainName: string; keySelector: string; privateKey: string };
}

export function domainOfAddress(address: string): string {
  const a = /<([^>]+)>/.exec(address)?.[1] ?? address;
  return a.slice(a.lastIndexOf('@') + 1).trim().toLowerCase();
}

export class SandboxSenders {
  private readonly identities = new Map<string, SenderIdentity>();
  private next = 0;

  constructor(
    private readonly zone: Zone,
    private readonly smtpPort: () => number,
  ) {}

  /** The domain's identity, created (and published in DNS) the first time it is asked for. */
  identity(addressOrDomain: string): SenderIdentity {
    const domain = addressOrDomain.includes('@') ? domainOfAddress(addressOrDomain) : addressOrDomain.toLowerCase();
    let id = this.identities.get(domain);
    if (id) return id;
    const n = this.next++;
    // 127.0.1.1 upwards: a host address of its own per domain, never 127.0.0.1 (where anyone connects from)
    const ip = `127.${1 + Math.floor(n / 254 / 254)}.${1 + (Math.floor(n / 254) % 254)}.${1 + (n % 254)}`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const helo = `mail.${domain}`;
    this.zone.set(`${DKIM_SELECTOR}._domainkey.${domain}`, 'TXT', [`v=DKIM1; k=rsa; p=${p}`]);
    this.zone.set(domain, 'TXT', [`v=spf1 ip4:${ip} -all`]);
    this.zone.set(`_dmarc.${domain}`, 'TXT', ['v=DMARC1; p=reject; adkim=r; aspf=r']);
    this.zone.set(helo, 'A', [ip]);
    id = { domain, ip, helo, dkim: { domainName: domain, keySelector: DKIM_SELECTOR, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } };
    this.identities.set(domain, id);
    return id;
  }

  /** A mail client of the sender's domain (one connection per message): connects from its address, says its name, signs with its key. */
  transport(fromAddress: string): Transporter {
    const id = this.identity(fromAddress);
    return nodemailer.createTransport({ host: '127.0.0.1', port: this.smtpPort(), secure: false, ignoreTLS: true, localAddress: id.ip, name: id.helo, dkim: id.dkim });
  }
}
