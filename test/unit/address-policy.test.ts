// Which addresses an outgoing request to a client-given URL may reach.
import assert from 'node:assert/strict';
import { IPV4_SPECIAL, IPV6_SPECIAL, refusedAddress } from '../../adapters/http/address-policy';

describe('address policy (IANA special-purpose registries)', () => {
  it('refuses the first and last address of every listed block', () => {
    const last4 = (net: string, bits: number) => {
      const n = net.split('.').reduce((a, o) => a * 256 + Number(o), 0) + 2 ** (32 - bits) - 1;
      return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
    };
    for (const [net, bits] of IPV4_SPECIAL) {
      assert.ok(refusedAddress(net), net);
      assert.ok(refusedAddress(last4(net, bits)), last4(net, bits));
    }
    for (const [net] of IPV6_SPECIAL) assert.ok(refusedAddress(net), net);
  });

  it('refuses the addresses SSRF payloads use, naming the block', () => {
    for (const a of ['127.0.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::', '198.18.0.1', '198.19.255.255', '224.0.0.251', '239.255.255.250', '240.0.0.1', 'fd00::1', 'fe80::1']) {
      assert.ok(refusedAddress(a), a);
    }
    assert.match(refusedAddress('198.18.3.4')!, /198\.18\.0\.0\/15, benchmarking/);
    assert.match(refusedAddress('4000::1')!, /not a global unicast/);
    assert.match(refusedAddress('not-an-ip')!, /not an IP address/);
  });

  it('lets public unicast addresses through (an IPv4 address is not matched against IPv6 blocks)', () => {
    for (const a of ['8.8.8.8', '93.184.215.14', '1.1.1.1', '198.20.0.1', '223.255.255.255', '2a00:1450:4001:80b::200e', '2606:4700::1111']) assert.equal(refusedAddress(a), undefined, a);
  });
});
