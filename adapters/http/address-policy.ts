// Which IP addresses an outgoing request to a client-given URL may reach: public unicast only. Every block
// of the IANA IPv4 and IPv6 Special-Purpose Address Registries is refused (also those marked globally
// reachable, such as AS112 or AMT: none of them is a client's web server), plus multicast and, for IPv6,
// everything outside global unicast 2000::/3.
import { BlockList, isIP } from 'node:net';

/** IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its updates), plus multicast (224/4). */
export const IPV4_SPECIAL: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private use'],
  ['100.64.0.0', 10, 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link local (cloud metadata)'],
  ['172.16.0.0', 12, 'private use'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation (TEST-NET-1)'],
  ['192.31.196.0', 24, 'AS112-v4'],
  ['192.52.193.0', 24, 'AMT'],
  ['192.88.99.0', 24, 'deprecated 6to4 relay anycast'],
  ['192.168.0.0', 16, 'private use'],
  ['192.175.48.0', 24, 'direct delegation AS112'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation (TEST-NET-2)'],
  ['203.0.113.0', 24, 'documentation (TEST-NET-3)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['255.255.255.255', 32, 'limited broadcast'],
];

/** IANA IPv6 Special-Purpose Address Registry, plus multicast, deprecated site-local and IPv4-compatible. */
export const IPV6_SPECIAL: readonly (readonly [string, number, string])[] = [
  ['::', 96, 'unspecified, loopback and deprecated IPv4-compatible'],
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['64:ff9b::', 96, 'IPv4/IPv6 translation'],
  ['64:ff9b:1::', 48, 'local-use IPv4/IPv6 translation'],
  ['100::', 64, 'discard-only'],
  ['100:0:0:1::', 64, 'dummy prefix'],
  ['2001::', 23, 'IETF protocol assignments (Teredo, benchmarking, ORCHID…)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['2620:4f:8000::', 48, 'direct delegation AS112'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing (SRv6) SIDs'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link local'],
  ['fec0::', 10, 'deprecated site local'],
  ['ff00::', 8, 'multicast'],
];

// One list per family: Node's BlockList matches IPv4 addresses against IPv6 rules as IPv4-mapped, and
// ::ffff:0:0/96 would then refuse every IPv4 address.
const blocked4 = new BlockList();
for (const [net, bits] of IPV4_SPECIAL) blocked4.addSubnet(net, bits, 'ipv4');
const blocked6 = new BlockList();
for (const [net, bits] of IPV6_SPECIAL) blocked6.addSubnet(net, bits, 'ipv6');
const globalUnicast6 = new BlockList();
globalUnicast6.addSubnet('2000::', 3, 'ipv6');

/** Why this address may not be reached, or undefined for a public unicast address. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if ((family === 4 ? blocked4 : blocked6).check(address, type)) {
    const hit = (family === 4 ? IPV4_SPECIAL : IPV6_SPECIAL).find(([net, bits]) => {
      const one = new BlockList();
      one.addSubnet(net, bits, type);
      return one.check(address, type);
    });
    return `${address} is a special-purpose address${hit ? ` (${hit[0]}/${hit[1]}, ${hit[2]})` : ''}`;
  }
  if (family === 6 && !globalUnicast6.check(address, 'ipv6')) return `${address} is not a global unicast IPv6 address`;
  return undefined;
}
