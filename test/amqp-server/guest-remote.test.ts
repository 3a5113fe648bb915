// guest from another machine, as RabbitMQ's loopback_users has it: refused
// with 403 ACCESS_REFUSED in RabbitMQ's words; a class student from the same
// machine gets in. "Another machine" is a network namespace joined to this
// one by a veth pair (198.51.100.2 → 198.51.100.1), made and always deleted
// by the test.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NS = `xtp-lap-${process.pid}`;
const VETH = `xtpv${process.pid % 100000}`;
const HOST_ADDR = '198.51.100.1';
const LAPTOP_ADDR = '198.51.100.2';
const sh = (...args: string[]) => execFileSync(args[0], args.slice(1), { stdio: 'pipe' });

/** Connects with amqplib from the laptop namespace; returns what amqplib said. (Not sync: the listener runs in this process.) */
async function connectFromLaptop(url: string): Promise<string> {
  const script = `require('amqplib').connect(${JSON.stringify(url)}).then(c => { console.log('connected'); return c.close(); }, e => console.log(e.message))`;
  const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', NS, process.execPath, '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
  });
  return stdout.trim();
}

describe('guest from another machine', function () {
  this.timeout(30_000);
  let server: AmqpServer;

  before(async () => {
    sh('ip', 'netns', 'add', NS);
    sh('ip', 'link', 'add', VETH, 'type', 'veth', 'peer', 'name', `${VETH}b`);
    sh('ip', 'link', 'set', `${VETH}b`, 'netns', NS);
    sh('ip', 'addr', 'add', `${HOST_ADDR}/24`, 'dev', VETH);
    sh('ip', 'link', 'set', VETH, 'up');
    sh('ip', '-n', NS, 'addr', 'add', `${LAPTOP_ADDR}/24`, 'dev', `${VETH}b`);
    sh('ip', '-n', NS, 'link', 'set', `${VETH}b`, 'up');
    sh('ip', '-n', NS, 'link', 'set', 'lo', 'up');
    server = await startAmqpServer({ port: 0, host: HOST_ADDR, users: { classPassword: 'pw' } });
  });
  after(async () => {
    await server?.close();
    // Deleting the namespace deletes its end of the pair, and so the pair.
    try {
      sh('ip', 'netns', 'del', NS);
    } catch {
      /* not made */
    }
    try {
      sh('ip', 'link', 'del', VETH);
    } catch {
      /* gone with the namespace */
    }
  });

  it('is refused with 403 ACCESS_REFUSED, in the words RabbitMQ uses; a class student is let in', async () => {
    const guest = await connectFromLaptop(`amqp://guest:guest@${HOST_ADDR}:${server.port}`);
    assert.equal(
      guest,
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."',
    );
    assert.equal(await connectFromLaptop(`amqp://alice:pw@${HOST_ADDR}:${server.port}`), 'connected');
  });
});
