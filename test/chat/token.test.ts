import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chatSecret, TokenSigner } from '../../src/chat/token.js';

describe('chat tokens (src/chat/token.ts)', () => {
  const claims = { name: 'Mehdi', room: 'lobby', inbox: 'chat.Mehdi' };

  it('gives back the claims of a token it signed', () => {
    const signer = new TokenSigner(randomBytes(32), 60_000);
    const verified = signer.verify(signer.sign(claims));
    assert.deepEqual({ name: verified?.name, room: verified?.room, inbox: verified?.inbox }, claims);
  });

  it('refuses a token whose claims were edited (another name, same signature)', () => {
    const signer = new TokenSigner(randomBytes(32), 60_000);
    const [, mac] = signer.sign(claims).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, name: 'Otana', exp: Date.now() + 60_000 })).toString('base64url');
    assert.equal(signer.verify(`${forged}.${mac}`), null);
  });

  it('refuses a token signed with another secret', () => {
    const token = new TokenSigner(randomBytes(32), 60_000).sign(claims);
    assert.equal(new TokenSigner(randomBytes(32), 60_000).verify(token), null);
  });

  it('refuses a token once its lifetime has passed', () => {
    let now = 1_000_000;
    const signer = new TokenSigner(randomBytes(32), 5_000, () => now);
    const token = signer.sign(claims);
    now += 4_999;
    assert.ok(signer.verify(token));
    now += 1;
    assert.equal(signer.verify(token), null);
  });

  it('refuses garbage without throwing', () => {
    const signer = new TokenSigner(randomBytes(32), 60_000);
    for (const junk of [undefined, null, 42, '', '.', 'a.b', 'a.b.c', 'x'.repeat(5000), {}]) assert.equal(signer.verify(junk), null);
  });

  it('derives the same secret from the same AMQP URL in every process, and CHAT_SECRET wins', () => {
    const url = 'amqp://guest:guest@localhost:5672';
    assert.deepEqual(chatSecret(undefined, url), chatSecret(undefined, url));
    assert.notDeepEqual(chatSecret(undefined, url), chatSecret(undefined, 'amqp://guest:other@localhost:5672'));
    assert.deepEqual(chatSecret('s3cret', url), Buffer.from('s3cret'));
    assert.notDeepEqual(chatSecret(undefined, null), chatSecret(undefined, null)); // embedded: random
  });
});
describe('chat tokens once expired (a returning owner with messages waiting)', () => {
  it('still knows an expired token it signed as genuine, but never verifies it', () => {
    let now = 1_000_000;
    const signer = new TokenSigner(randomBytes(32), 60_000, () => now);
    const token = signer.sign({ name: 'Mehdi', room: 'lobby', inbox: 'chat.Mehdi' });
    now += 61_000;
    assert.equal(signer.verify(token), null);
    assert.equal(signer.genuine(token)?.name, 'Mehdi');
    assert.equal(new TokenSigner(randomBytes(32), 60_000, () => now).genuine(token), null);
  });
});
