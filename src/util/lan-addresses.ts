// This machine's addresses that other machines can reach: what students type
// on their laptops (the start banner lists them, the class page links them).
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** This machine's IPv4 addresses that other machines can reach (not loopback), private ones (10/8, 172.16/12, 192.168/16) first. */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) out.push(info.address);
  }
  return [...out.filter(isPrivate), ...out.filter((a) => !isPrivate(a))];
}

function isPrivate(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** A peer's address (a socket's remoteAddress) on this machine: 127/8, ::1, or 127/8 mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** A host name or address that only this machine reaches. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || isLoopbackAddress(h);
}
