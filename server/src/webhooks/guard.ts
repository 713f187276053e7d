import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why a webhook target was refused (the message is safe to show to the admin). */
export class UnsafeTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeTargetError';
  }
}

export interface GuardOptions {
  /** WEBHOOK_ALLOW_PRIVATE: tests and local development deliver to loopback receivers. */
  allowPrivate: boolean;
}

/** IPv6 global unicast (RFC 4291): everything outside it is special-use, deprecated or unassigned. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Only public unicast addresses pass, judged by ipaddr.js's range table (`unicast` is what no
 * special-purpose registry entry claims): loopback, private (RFC 1918), link-local, CGNAT,
 * benchmarking (198.18.0.0/15), multicast, broadcast, unspecified, documentation and reserved
 * ranges are refused. IPv6 must also lie in global unicast 2000::/3, which leaves out the
 * IPv4-compatible `::a.b.c.d` form, NAT64 prefixes (64:ff9b::/96, 64:ff9b:1::/48), site-local
 * fec0::/10 and the discard prefix 100::/64 whatever a table says of them. IPv4-mapped IPv6 is
 * judged as its IPv4.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return false;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

function checkAddresses(host: string, addresses: string[], opts: GuardOptions): void {
  if (addresses.length === 0) throw new UnsafeTargetError(`${host} does not resolve to any address.`);
  if (opts.allowPrivate) return;
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused) throw new UnsafeTargetError(`${host} resolves to ${refused}, which is not a public address.`);
}

/** The host of a URL as a bare name or address (IPv6 literals without brackets). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Parses a webhook URL and checks its scheme (http and https only). */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeTargetError('The URL is not valid.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UnsafeTargetError('Only http and https URLs can receive webhooks.');
  if (url.username || url.password) throw new UnsafeTargetError('The URL must not carry credentials.');
  if (!url.hostname) throw new UnsafeTargetError('The URL has no host.');
  return url;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(new UnsafeTargetError(`${host} could not be resolved (${err.code ?? err.message}).`));
      else resolve(addresses.map((a) => a.address));
    });
  });
}

/**
 * Refuses a target that is not http(s) or whose host is, or resolves to (every address is
 * checked), anything but a public address. Nothing is sent to the target.
 */
export async function assertSafeTarget(raw: string, opts: GuardOptions): Promise<URL> {
  const url = parseTargetUrl(raw);
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  checkAddresses(host, addresses, opts);
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that checks the addresses it connects to, so a DNS answer that
 * changed since the check (rebinding) cannot point the delivery at an internal address.
 */
export function guardedLookup(opts: GuardOptions) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '');
      try {
        checkAddresses(
          hostname,
          addresses.map((a) => a.address),
          opts,
        );
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
