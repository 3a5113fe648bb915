// Share links: the whole sandbox in a URL fragment, restored exactly; a
// damaged or hostile link is a clear refusal, never a crash.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { SandboxInputError } from '../../src/sandbox/import-error.js';
import { MAX_LINK_CHARS } from '../../src/sandbox/limits.js';
import { normalizeState } from '../../src/sandbox/sandbox-state.js';
import { decodeShareLink, encodeShareLink } from '../../src/sandbox/share-link.js';
import { prng } from '../helpers/fuzz.js';
import { tutorialState } from './tutorial.js';

function refused(link: string): SandboxInputError {
  try {
    decodeShareLink(link);
  } catch (err) {
    assert.ok(err instanceof SandboxInputError, String(err));
    return err;
  }
  assert.fail('the link was accepted');
}

const pack = (text: string | Buffer) => `1.${deflateRawSync(Buffer.from(text)).toString('base64url')}`;

describe('share links', () => {
  it('restore the topology and every message exactly', () => {
    const state = normalizeState({
      topology: {
        exchanges: [
          { name: 'x', type: 'headers', durable: true, internal: true, arguments: { 'alternate-exchange': 'ae' } },
          { name: 'ae', type: 'fanout', auto_delete: true },
        ],
        queues: [
          { name: 'q «é»', durable: true, arguments: { 'x-max-length': 2, 'x-overflow': 'reject-publish', nested: { a: [1, null] } } },
        ],
        bindings: [
          { source: 'x', destination: 'q «é»', arguments: { 'x-match': 'any', format: 'pdf' } },
          { source: 'x', destination: 'ae', destination_type: 'exchange', routing_key: '#' },
        ],
      },
      messages: [
        { exchange: 'x', routing_key: 'a.b', properties: { headers: { format: 'pdf', n: 1 } }, payload: 'hello 😀', mandatory: true },
        { exchange: '', routing_key: 'q «é»' },
      ],
    });
    assert.deepEqual(decodeShareLink(encodeShareLink(state)), state);
  });

  it('keep the message being looked at, when it exists', () => {
    const state = tutorialState();
    assert.equal(decodeShareLink(encodeShareLink({ ...state, selected: 4 })).selected, 4);
    assert.equal(decodeShareLink(encodeShareLink(state)).selected, undefined);
    assert.equal(decodeShareLink(encodeShareLink({ ...state, selected: 50 })).selected, undefined);
  });

  it('are short for a tutorial-sized sandbox', () => {
    const link = encodeShareLink(tutorialState());
    assert.match(link, /^1\.[A-Za-z0-9_-]+$/);
    assert.ok(link.length < 500, `${link.length} characters`);
  });

  it('refuse a sandbox too large to share, saying so', () => {
    const state = tutorialState();
    // Random payloads do not compress: 100 × 2000 random characters are far over the link limit.
    const rand = prng(5);
    const noise = () => Array.from({ length: 2000 }, () => String.fromCharCode(33 + Math.floor(rand() * 90))).join('');
    state.messages = Array.from({ length: 100 }, () => ({ ...state.messages[0], payload: noise() }));
    assert.throws(
      () => encodeShareLink(state),
      (err: Error) => err instanceof SandboxInputError && /too large to share as a link/.test(err.message),
    );
  });

  describe('refuse a damaged or hostile link', () => {
    const good = encodeShareLink(tutorialState());

    it('cut short', () => {
      assert.match(refused(good.slice(0, good.length / 2)).message, /^this share link is damaged or incomplete \(it does not unpack\)/);
    });

    it('with characters a link never has', () => {
      assert.match(refused(`${good}<script>`).message, /characters a link never contains/);
    });

    it('of another version, or empty', () => {
      assert.match(refused('2.abc').message, /does not start with "1\."/);
      assert.match(refused('').message, /does not start with "1\."/);
    });

    it('that inflates beyond 1 MB (a zip bomb)', () => {
      const bomb = pack(Buffer.alloc(5 * 1024 * 1024, 0x20));
      assert.ok(bomb.length < 10_000);
      assert.match(refused(bomb).message, /unpacks to more than 1,048,576 bytes/);
    });

    it('longer than the limit', () => {
      assert.match(refused(`1.${'A'.repeat(MAX_LINK_CHARS)}`).message, /longer than/);
    });

    it('that unpacks to something other than JSON, or to JSON nested too deep', () => {
      assert.match(refused(pack('not json')).message, /not valid JSON/);
      assert.match(refused(pack('['.repeat(100_000) + ']'.repeat(100_000))).message, /nested more than 16 levels/);
    });

    it('that unpacks to the wrong shape, naming the field', () => {
      const err = refused(pack(JSON.stringify({ topology: { queues: [{ name: 7 }] }, messages: [] })));
      assert.equal(err.path, 'topology.queues[0].name');
      assert.match(err.message, /topology\.queues\[0\]\.name must be a string, not the number 7/);
      assert.match(refused(pack(JSON.stringify({ topology: {}, messages: [], extra: 1 }))).message, /unknown field "extra"/);
    });
  });
});
