import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { isPublic } from '../../common/net/reachable-address';

/** Why another handler's endpoint cannot receive a transfer (a 422 names it). */
export type EndpointProblem = 'not_https' | 'credentials_in_url' | 'private_address';

/** How long a filing waits for the endpoint's name to resolve before taking it as it is. */
const LOOKUP_TIMEOUT_MS = 2000;

/** Names that never reach the public Internet, whatever a resolver answers for them (RFC 6761, 6762, 8375). */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|lan|home\.arpa|localdomain)\.?$/i;

/**
 * Whether `url` may receive a copy of someone's personal information sent by the portal (PIPL
 * Art. 45 para. 3): HTTPS, no credentials in the address, and a public address: an IP literal must
 * be global unicast, and a name must not be a local one nor resolve to any address that is not. A
 * name that does not resolve now is taken as it is (`reachable` may add networks a test's own
 * receiver sits on: TRANSFER_ALLOWED_NETWORKS); the sender checks the address again when it
 * connects, since a name may resolve differently by then.
 */
export async function endpointProblem(
  url: string,
  resolve: (host: string) => Promise<string[]> = resolveAll,
  reachable: (address: string) => boolean = isPublic,
): Promise<EndpointProblem | null> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') return 'not_https';
  if (parsed.username || parsed.password) return 'credentials_in_url';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(host)) return reachable(host) ? null : 'private_address';
  if (LOCAL_NAME.test(host) || !host.includes('.')) return 'private_address';
  const addresses = await resolve(host).catch(() => []);
  return addresses.every(reachable) ? null : 'private_address';
}

async function resolveAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(host, { all: true, verbatim: true }).then((found) => found.map((a) => a.address)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
