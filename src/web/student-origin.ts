// The address students type to reach this server, for the class's join link
// and QR code. The teacher often opens the page as http://localhost:3000 (as
// the quick start says), which no student's laptop reaches: then it is this
// machine's LAN address, with the same port. PUBLIC_URL overrides it (behind
// a proxy, or a DNS name).
import type { Request } from 'express';
import { isLoopbackHost, lanAddresses } from '../util/lan-addresses.js';

/** Origins students can use, the one to show first; the others are offered (a machine on two networks). */
export function studentOrigins(req: Request, publicUrl: string | undefined, addresses: string[] = lanAddresses()): string[] {
  if (publicUrl) return [publicUrl.replace(/\/+$/, '')];
  const host = req.get('host') ?? 'localhost';
  const url = new URL(`${req.protocol}://${host}`);
  if (!isLoopbackHost(url.hostname) || addresses.length === 0) return [url.origin];
  return addresses.map((address) => {
    url.hostname = address;
    return url.origin;
  });
}
