// Mail domains shared by the public (webmail): an address there says nothing about which hotel writes, so
// only the exact address can stand for a hotel, never the domain.
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'orange.fr', 'free.fr', 'wanadoo.fr', 'laposte.net', 'yahoo.es', 'telefonica.net', 'aol.com', 'proton.me', 'protonmail.com']);

export function isPublicMailDomain(domain: string): boolean {
  return PUBLIC_MAIL_DOMAINS.has(domain.trim().toLowerCase());
}
