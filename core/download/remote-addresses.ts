import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { inNetworks, type IpNetwork } from './ip-networks.js';
import { isPublicAddress } from './public-addresses.js';

/** The setting that lets remotes reach networks beside the public internet. */
export const ALLOWED_NETWORKS_SETTING = 'LARDER_ALLOWED_REMOTE_NETWORKS';

let allowed = inNetworks([]);

/**
 * Lets remotes reach `networks` beside the public internet, in the whole process: the operator's
 * one setting, for the connection agents every download of the process shares. Until it is called,
 * remotes reach the public internet only.
 */
export function allowRemoteNetworks(networks: readonly IpNetwork[]): void {
  allowed = inNetworks(networks);
}

export function mayReach(address: string): boolean {
  return isPublicAddress(address) || allowed(address);
}

/**
 * A connection a remote may not make: refused before it is tried, so the refusal is the same
 * whatever listens (or not) behind the address, and a user learns nothing of what is there.
 */
export class AddressRefused extends Error {
  readonly code = 'REMOTE_ADDRESS_REFUSED';

  constructor(readonly host: string) {
    super(isIP(host)
      ? `${host} is not an address on the public internet, nor in ${ALLOWED_NETWORKS_SETTING}`
      : `${host} resolves to no address on the public internet, nor in ${ALLOWED_NETWORKS_SETTING}`);
  }
}

/** The refusal of a connection to `host` when it is an address a remote may not reach (a name is left to the lookup). */
export function refusedAddress(host: string): AddressRefused | null {
  return isIP(host) && !mayReach(host) ? new AddressRefused(host) : null;
}

/**
 * node's lookup, leaving out every address a remote may not reach; a name left with none fails
 * with AddressRefused. It runs for each new connection and decides what is connected to, so a name
 * that resolves elsewhere later (DNS rebinding) gains nothing, and each redirect is judged anew.
 */
export const lookupReachable: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const reachable = addresses.filter(({ address }) => mayReach(address));
    if (reachable.length === 0) return callback(new AddressRefused(hostname), []);
    if (options.all) callback(null, reachable);
    else callback(null, reachable[0]!.address, reachable[0]!.family);
  });
};
