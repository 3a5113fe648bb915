import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClaimCodes, CODE_WINDOW_MS } from '../../src/chat/claim-code.js';

describe('claim codes (the same person from another browser)', () => {
  const secret = randomBytes(32);
  let now = 10 * CODE_WINDOW_MS + 5;
  const codes = new ClaimCodes(secret, () => now);

  it('shows 8 characters of base32 in two groups and accepts them as typed by hand', () => {
    const code = codes.codeFor('Mehdi');
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(codes.verify('Mehdi', code), true);
    assert.equal(codes.verify('Mehdi', ` ${code.toLowerCase().replace('-', ' ')} `), true);
  });

  it('is the name’s own: it opens no other name, and another secret (another class) refuses it', () => {
    const code = codes.codeFor('Mehdi');
    assert.equal(codes.verify('Otana', code), false);
    assert.equal(new ClaimCodes(randomBytes(32), () => now).verify('Mehdi', code), false);
    assert.equal(codes.verify('Mehdi', 'AAAA-AAAA'), false);
    assert.equal(codes.verify('Mehdi', 42), false);
    assert.equal(codes.verify('Mehdi', 'x'.repeat(100)), false);
  });

  it('stays good for the hour it was shown in and the next, not after', () => {
    const code = codes.codeFor('Mehdi');
    now += CODE_WINDOW_MS;
    assert.equal(codes.verify('Mehdi', code), true);
    now += CODE_WINDOW_MS;
    assert.equal(codes.verify('Mehdi', code), false);
  });
});
