// "The same person from another browser": the page shows its owner a short
// code; typed in another browser with the name, it claims the name there.
// Like the token, it is an HMAC and the server stores nothing, so any server
// process of the class checks it alike. It names an hour (the window of the
// clock it was made in) and is accepted in that hour and the next, so a code
// just shown stays good for at least an hour; the page shows the current one.
// 8 characters of Crockford's base32: 40 bits, far beyond what the rate limit
// lets anyone guess.
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 8;
export const CODE_WINDOW_MS = 60 * 60 * 1000;

export class ClaimCodes {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  /** The code for `name` now, as shown: "7K2M-Q9XA". */
  codeFor(name: string): string {
    const code = this.raw(name, Math.floor(this.now() / CODE_WINDOW_MS));
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  }

  /** Typed by a person: case, spaces, dashes and look-alike letters (O, I, L) do not matter. */
  verify(name: string, typed: unknown): boolean {
    if (typeof typed !== 'string' || typed.length > 32) return false;
    const given = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    if (given.length !== LENGTH) return false;
    const window = Math.floor(this.now() / CODE_WINDOW_MS);
    return [window, window - 1].some((w) => timingSafeEqual(Buffer.from(this.raw(name, w)), Buffer.from(given)));
  }

  private raw(name: string, window: number): string {
    const mac = createHmac('sha256', this.secret).update(`chat claim code\0${name}\0${window}`).digest();
    let code = '';
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[mac[i] % 32];
    return code;
  }
}
