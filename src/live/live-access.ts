// Who may watch which vhost on /live. A student proves who they are with the
// same user name and password their programs use: the server opens (and at
// once closes) an AMQP connection to that vhost with them, so the broker that
// checks their programs checks them here too — the embedded listener with
// AMQP_USERS / CLASS_PASSWORD, or RabbitMQ through the relay. The teacher key
// (printed at start) opens every vhost.
import { isLoopbackAddress } from '../util/lan-addresses.js';
import { sameSecret } from '../util/same-secret.js';
import amqp from 'amqplib';

export interface WatchRequest {
  vhost: string;
  user?: string;
  password?: string;
  key?: string;
}

/** vhost: the hub's vhost to watch — for a student of the embedded listener, the engine vhost their "/" is. */
export type AccessAnswer =
  { ok: true; teacher: boolean; vhost: string } | { ok: false; reason: 'credentials' | 'unreachable' | 'guest-remote' };

export interface LiveAccess {
  check(request: WatchRequest, remoteAddress: string | undefined): Promise<AccessAnswer>;
}

const LOGIN_TIMEOUT_MS = 3000;

/**
 * vhostKey: the embedded listener's mapping of what a user asks for to the
 * engine vhost it is (a class student's "/" is their own); without it
 * (RabbitMQ through the relay) the vhost watched is the one asked for, which
 * RabbitMQ checked.
 */
export function amqpLoginAccess(
  endpoint: { host: string; port: number; tls: boolean },
  teacherKey: string,
  vhostKey?: (user: string, requested: string) => string | undefined,
): LiveAccess {
  return {
    async check(request, remoteAddress) {
      if (request.key !== undefined)
        return sameSecret(request.key, teacherKey)
          ? { ok: true, teacher: true, vhost: request.vhost }
          : { ok: false, reason: 'credentials' };
      if (!request.user || request.password === undefined) return { ok: false, reason: 'credentials' };
      // RabbitMQ's loopback_users: guest only from this machine, here as for programs.
      if (request.user === 'guest' && !isLoopbackAddress(remoteAddress)) return { ok: false, reason: 'guest-remote' };
      const url = new URL(`${endpoint.tls ? 'amqps' : 'amqp'}://${endpoint.host}:${endpoint.port}/`);
      url.username = request.user;
      url.password = request.password;
      url.pathname = `/${encodeURIComponent(request.vhost)}`;
      try {
        const connection = await withTimeout(amqp.connect(url.toString(), { clientProperties: { connection_name: 'live view login' } }));
        await connection.close().catch(() => {});
        return { ok: true, teacher: false, vhost: vhostKey?.(request.user, request.vhost) ?? request.vhost };
      } catch (err) {
        const text = String((err as Error).message);
        // A refused login (403) or vhost (530) — amqplib words the latter "Expected ConnectionOpenOk; got <ConnectionClose …>".
        return /ACCESS_REFUSED|403|NOT_ALLOWED|530|vhost|got <ConnectionClose/i.test(text)
          ? { ok: false, reason: 'credentials' }
          : { ok: false, reason: 'unreachable' };
      }
    },
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), LOGIN_TIMEOUT_MS);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
