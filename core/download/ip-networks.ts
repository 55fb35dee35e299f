import { BlockList, isIP } from 'node:net';

/** An IP network, e.g. `10.0.0.0/8` or `fd00::/8`. */
export interface IpNetwork {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `address/prefix`, or a bare address (a network of that one address); null when the text is neither. */
export function parseNetwork(text: string): IpNetwork | null {
  const match = /^([^/%]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const version = match ? isIP(match[1]!) : 0;
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  const prefix = match![2] === undefined ? bits : Number(match![2]);
  return prefix > bits ? null : { address: match![1]!, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Whether an address lies in any of `networks`. As in node's BlockList, an IPv4 network holds the
 * IPv4-mapped IPv6 forms of its addresses too (`::ffff:10.0.0.1`), so a second spelling of an
 * address never escapes its network; and an IPv6 network that holds `::ffff:0:0/96` holds IPv4.
 */
export function inNetworks(networks: readonly IpNetwork[]): (address: string) => boolean {
  const list = new BlockList();
  for (const { address, prefix, family } of networks) list.addSubnet(address, prefix, family);
  return (address) => {
    // A zone (`fe80::1%eth0`) says which interface, not which address.
    const bare = address.replace(/%.*$/, '');
    const version = isIP(bare);
    return version !== 0 && list.check(bare, version === 4 ? 'ipv4' : 'ipv6');
  };
}
