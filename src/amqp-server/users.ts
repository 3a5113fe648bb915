// Who may log in, and into which virtual host (issue 11, part 5):
//   - guest:guest, from loopback only (RabbitMQ's loopback_users rule);
//   - AMQP_USERS=name:password,… — each in the shared vhost "/";
//   - CLASS_PASSWORD: any name with that password, from any machine, each in
//     a vhost of their own (they see it as "/"), so one student cannot read
//     another's queues; and all of them in one more, "class"
//     (AMQP_CLASS_VHOST), where two students' programs can talk.
import { isLoopbackAddress } from '../util/lan-addresses.js';
import { sameSecret } from '../util/same-secret.js';
import { codecs } from './sasl.js';

export interface UsersConfig {
  /** name → password. */
  users: Map<string, string>;
  classPassword?: string;
  /** The vhost every class user may open besides their own "/" (default "class"). */
  classVhost?: string;
  /** false: guest is refused even from loopback (AMQP_USERS given without guest does not change it). */
  guest: boolean;
}

export interface Login {
  user: string;
  /** The engine vhost key for "/": "/" shared, or the user's own. */
  home: string;
}

/** Parses AMQP_USERS ("alice:pw1,bob:pw2"); a password may contain ':'. */
export function parseUsers(text: string | undefined): Map<string, string> {
  const users = new Map<string, string>();
  for (const part of (text ?? '').split(',')) {
    const item = part.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    if (colon <= 0) throw new Error(`AMQP_USERS: "${item}" is not name:password`);
    users.set(item.slice(0, colon), item.slice(colon + 1));
  }
  return users;
}

/** The engine vhost a user's "/" is: the shared one for AMQP_USERS and guest, else (a class student) their own. */
export function homeOf(config: UsersConfig, user: string): string {
  return config.users.has(user) || user === 'guest' ? '/' : `user:${user}`;
}

/**
 * The engine vhost a user opening `requested` is given, or undefined (530
 * NOT_ALLOWED, "vhost not found", as RabbitMQ answers a vhost that does not
 * exist): their "/" (homeOf), or the class vhost for a class user.
 */
export function vhostKey(config: UsersConfig, user: string, requested: string): string | undefined {
  if (requested === '/') return homeOf(config, user);
  const classUser = config.classPassword !== undefined && homeOf(config, user) !== '/';
  if (classUser && requested === (config.classVhost ?? 'class')) return requested;
  return undefined;
}

/** null: refused (403 ACCESS_REFUSED). */
export function authenticate(
  config: UsersConfig,
  mechanism: string,
  response: Buffer,
  remote: string | undefined,
): Login | null | 'bad-mechanism' {
  const decode = codecs[mechanism];
  if (!decode) return 'bad-mechanism';
  const credentials = decode(response);
  if (!credentials) return null;
  const { user, password } = credentials;
  const known = config.users.get(user);
  const login = { user, home: homeOf(config, user) };
  if (known !== undefined) return sameSecret(password, known) ? login : null;
  if (user === 'guest' && config.guest) return password === 'guest' && isLoopbackAddress(remote) ? login : null;
  if (config.classPassword && sameSecret(password, config.classPassword) && user !== 'guest') return login;
  return null;
}
