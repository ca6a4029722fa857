import ipaddr from 'ipaddr.js';

/** Global unicast only: private, loopback, link-local, shared (CGN), reserved, multicast and embedded-IPv4 ranges are not. */
export function isPublic(address: string): boolean {
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

/**
 * Networks a transfer may reach although they are not public (TRANSFER_ALLOWED_NETWORKS, outside
 * production only): a comma-separated list of CIDR blocks.
 */
export class AllowedNetworks {
  private readonly blocks: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(list: string | undefined) {
    this.blocks = (list ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean)
      .map((b) => ipaddr.parseCIDR(b));
  }

  /** Whether a copy may be sent to `address`: a public one, or one of the allowed networks. */
  reachable(address: string): boolean {
    if (isPublic(address)) return true;
    const parsed = ipaddr.process(address);
    return this.blocks.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
  }
}
