import { isIPv4, isIPv6 } from 'node:net';

/**
 * The part of a client address that stands for one client: an IPv4 address as it is, an IPv6 address by its
 * /64 (`2001:db8:1:2::/64`). One host usually holds a whole /64 and may pick a fresh address from it for every
 * request, so counting full IPv6 addresses would give it millions of buckets. An IPv4 client seen through a
 * dual-stack socket (`::ffff:192.0.2.1`) stays an IPv4 client. Anything else (an empty string) is returned
 * unchanged. `rateLimit()` counts clients by it; apps use it to key their own per-client state the same way.
 *
 * @example
 * ```ts
 * clientAddressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'); // '2001:db8:1:2::/64'
 * const source = clientAddressKey(requestContextOf(req).sourceIp);
 * ```
 */
export function clientAddressKey(address: string): string {
  // A zone (`fe80::1%eth0`) names the local interface, not the client.
  const unzoned = address.replace(/%.*$/, '');
  if (!isIPv6(unzoned)) return address;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = ipv6Groups(unzoned);
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    const ipv4 = `${g >> 8}.${g & 0xff}.${h >> 8}.${h & 0xff}`;
    if (isIPv4(ipv4)) return ipv4;
  }
  return `${[a, b, c, d].map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, an embedded dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address;
  if (dotted !== null) {
    const [o1 = 0, o2 = 0, o3 = 0, o4 = 0] = dotted.slice(1).map(Number);
    text = `${address.slice(0, dotted.index)}${((o1 << 8) | o2).toString(16)}:${((o3 << 8) | o4).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16));
}
