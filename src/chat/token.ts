// "Same name, same browser": the browser that first claimed a name keeps a
// signed token for it (localStorage); another browser cannot read that inbox
// by guessing the name. The server keeps no table of tokens — two server
// processes share only the broker — so the token carries its claims and an
// HMAC. It slides: each use (joining, and every presence heartbeat while a
// tab is open) gives a fresh one valid for the name's lease (an hour), and
// renews the lease; so a token expires no later than the lease it names, and
// an old token cannot take back a name someone else took once it was free.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  name: string;
  room: string;
  inbox: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export class TokenSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(claims: Omit<TokenClaims, 'exp'>): string {
    const payload = Buffer.from(
      JSON.stringify({ name: claims.name, room: claims.room, inbox: claims.inbox, exp: this.now() + this.ttlMs }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims of a genuine, unexpired token; null for anything else. */
  verify(token: unknown): TokenClaims | null {
    const claims = this.genuine(token);
    return claims && claims.exp > this.now() ? claims : null;
  }

  /** The claims of a token this server signed, expired or not. */
  genuine(token: unknown): TokenClaims | null {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return null;
    }
    if (typeof claims?.name !== 'string' || typeof claims.room !== 'string' || typeof claims.inbox !== 'string') return null;
    if (typeof claims.exp !== 'number') return null;
    return claims;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/**
 * CHAT_SECRET if set. Otherwise, on RabbitMQ, a key derived from the AMQP URL
 * (password included): every server process of one broker agrees on it
 * without configuration, and it is exactly as secret as the broker's own
 * credentials — whoever knows those can read the queues anyway. The embedded
 * broker lives in one process: a random key will do.
 */
export function chatSecret(configured: string | undefined, amqpUrl: string | null): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  if (amqpUrl) return createHash('sha256').update(`exchange-types-playground chat\0${amqpUrl}`).digest();
  return randomBytes(32);
}
