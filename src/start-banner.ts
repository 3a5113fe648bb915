// What `npm start` tells the person who ran it, in plain words: the address
// to open here, the addresses students type on their laptops (this machine's
// network interfaces), and the broker in use.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** This machine's IPv4 addresses that other machines can reach (not loopback). */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) out.push(info.address);
  }
  return out;
}

export function startBanner(port: number, brokerNotice: string, addresses = lanAddresses()): string[] {
  const lines = [`exchange-types playground on http://localhost:${port}`];
  if (addresses.length) lines.push(`students open ${addresses.map((a) => `http://${a}:${port}`).join(' or ')}`);
  lines.push(brokerNotice);
  return lines;
}
