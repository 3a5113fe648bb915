// What `npm start` tells the person who ran it, in plain words: the address
// to open here, the addresses students type on their laptops (this machine's
// network interfaces), and the broker in use.
import { lanAddresses } from './util/lan-addresses.js';

export function startBanner(port: number, brokerNotice: string, addresses = lanAddresses()): string[] {
  const lines = [`exchange-types playground on http://localhost:${port}`];
  if (addresses.length) lines.push(`students open ${addresses.map((a) => `http://${a}:${port}`).join(' or ')}`);
  lines.push(brokerNotice);
  return lines;
}
