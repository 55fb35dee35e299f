import { isIP } from 'node:net';
import { inNetworks, parseNetwork } from './ip-networks.js';

const ranges = (texts: string[]) => inNetworks(texts.map((text) => parseNetwork(text)!));

/** IPv4 outside the public internet (IANA's special-purpose address registry, and multicast). */
const SPECIAL_IPV4 = ranges([
  '0.0.0.0/8', // "this network", 0.0.0.0 among it
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, where clouds serve instance metadata and credentials
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, the broadcast address 255.255.255.255 among it
]);

/**
 * IPv6 outside the public internet: all but global unicast (2000::/3) — unspecified, loopback,
 * IPv4-compatible, NAT64, discard, unique local fc00::/7, link-local fe80::/10, site-local, multicast
 * ff00::/8 — and the special blocks inside it.
 */
const SPECIAL_IPV6 = ranges([
  '::/3', '4000::/2', '8000::/1', // everything but 2000::/3
  '2001::/23', // IETF protocol assignments, Teredo among them
  '2001:db8::/32', '3fff::/20', // documentation
  '2002::/16', // 6to4: an IPv4 address of the sender's choosing, behind an IPv6 one
]);

const IPV4_MAPPED = ranges(['::ffff:0:0/96']);

/**
 * Whether an address is on the public internet: neither loopback, private, link-local, CGNAT,
 * unspecified, multicast, broadcast, documentation nor otherwise reserved. An IPv4-mapped IPv6
 * address is judged as the IPv4 address it is; anything that is not an address is not public.
 */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address.replace(/%.*$/, ''))) {
    case 4:
      return !SPECIAL_IPV4(address);
    case 6:
      return IPV4_MAPPED(address) ? !SPECIAL_IPV4(address) : !SPECIAL_IPV6(address);
    default:
      return false;
  }
}
