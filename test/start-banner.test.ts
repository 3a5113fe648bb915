import assert from 'node:assert/strict';
import { startBanner } from '../src/start-banner.js';
import { lanAddresses } from '../src/util/lan-addresses.js';

describe('the start banner', () => {
  it("names the local address, the students' addresses and the broker", () => {
    const lines = startBanner(3000, 'broker: embedded (BROKER=embedded)', ['192.168.1.23']);
    assert.deepEqual(lines, [
      'exchange-types playground on http://localhost:3000',
      'students open http://192.168.1.23:3000',
      'broker: embedded (BROKER=embedded)',
    ]);
  });

  it('leaves out loopback and IPv6 addresses, and says nothing of students without a network', () => {
    const addresses = lanAddresses({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: null }],
      eth0: [
        { address: '10.0.0.5', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null },
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff::', mac: '', cidr: null, scopeid: 2 },
      ],
    });
    assert.deepEqual(addresses, ['10.0.0.5']);
    assert.equal(startBanner(0, 'broker: x', []).length, 2);
  });
});
