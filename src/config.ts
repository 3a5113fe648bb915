// Configuration from the environment: the only place that reads process.env.
import { randomBytes } from 'node:crypto';

export interface Config {
  port: number;
  broker: 'auto' | 'embedded' | 'rabbitmq';
  amqpUrl: string;
  /** TLS for amqps:// URLs: a custom CA (PEM file) and whether to verify the server. */
  amqpTls: { caFile?: string; rejectUnauthorized: boolean };
  /** connection_name of the server's AMQP connection, as RabbitMQ lists it (tell server processes apart). */
  amqpConnectionName: string;
  /** AMQP_HEARTBEAT (s, 0: none) and BROKER_TIMEOUT (s): how soon a silent broker is noticed and a request answers anyway. */
  amqpHeartbeatS: number;
  brokerTimeoutMs: number;
  /**
   * POST /api/* per client address (src/web/rate-limit.ts). A classroom
   * behind one NAT address is one client: raise it there (README).
   */
  rateLimit: { perSecond: number; burst: number };
  /** The embedded broker's AMQP listener (src/amqp-server), or with RabbitMQ the observing relay: where, who, how much. */
  amqpListener: AmqpListenerConfig;
  /** TEACHER_KEY: opens every vhost on /live (random per start when unset, and printed). */
  teacherKey: string;
  /** PUBLIC_URL: where students reach this server (a proxy, a DNS name); else the page's host, or this machine's LAN address. */
  publicUrl: string | undefined;
  /**
   * RUN_ISOLATION: how runs on RabbitMQ are kept apart. vhost: a vhost of
   * their own, names exact (needs the management API); prefix: a name prefix
   * (single-vhost hosted plans); auto: vhost when the broker allows it.
   */
  runIsolation: 'auto' | 'vhost' | 'prefix';
  /** RABBITMQ_MANAGEMENT_URL: the management API (default: the AMQP host, port 15672, the AMQP credentials). */
  managementUrl: string | undefined;
}

export interface AmqpListenerConfig {
  /** null: AMQP_LISTEN=off. */
  listen: { host: string; port: number } | null;
  /** AMQP_LISTEN was given (with RabbitMQ, only then does the relay start). */
  given: boolean;
  /** AMQP_USERS: name:password,… */
  users: string | undefined;
  /** CLASS_PASSWORD: any name with it, each in a vhost of their own. */
  classPassword: string | undefined;
  /** AMQP_CLASS_VHOST: the vhost every class user may open besides their own (default "class"). */
  classVhost: string;
  maxConnections: number;
  maxQueuedBytes: number;
}

/**
 * AMQP_LISTEN: "off", "port" or "host:port". The default host is loopback,
 * or every interface once students have accounts (AMQP_USERS / CLASS_PASSWORD).
 */
export function parseAmqpListen(raw: string | undefined, withAccounts: boolean): { host: string; port: number } | null {
  const text = (raw ?? '').trim();
  if (text.toLowerCase() === 'off') return null;
  const defaultHost = withAccounts ? '0.0.0.0' : '127.0.0.1';
  if (text === '') return { host: defaultHost, port: 5672 };
  const colon = text.lastIndexOf(':');
  const host = colon >= 0 ? text.slice(0, colon).replace(/^\[|\]$/g, '') : defaultHost;
  const portText = colon >= 0 ? text.slice(colon + 1) : text;
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535 || host === '') {
    throw new Error(`AMQP_LISTEN must be off, a port or host:port, got "${raw}"`);
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0-65535), got "${env.PORT}"`);
  }
  const broker = (env.BROKER ?? 'auto').toLowerCase();
  if (broker !== 'auto' && broker !== 'embedded' && broker !== 'rabbitmq') {
    throw new Error(`BROKER must be auto, embedded or rabbitmq, got "${env.BROKER}"`);
  }
  const amqpUrl = env.AMQP_URL || env.CLOUDAMQP_URL || 'amqp://guest:guest@localhost:5672';
  const amqpTls = {
    caFile: env.AMQP_CA_FILE || undefined,
    // Only for a classroom's self-signed test broker: never the default.
    rejectUnauthorized: env.AMQP_TLS_INSECURE !== '1',
  };
  const amqpConnectionName = env.AMQP_CONNECTION_NAME || 'exchange-types-playground';
  const amqpHeartbeatS = nonNegativeNumber(env, 'AMQP_HEARTBEAT', 10);
  const brokerTimeoutMs = positiveNumber(env, 'BROKER_TIMEOUT', 12) * 1000;
  const rateLimit = {
    perSecond: positiveNumber(env, 'RATE_LIMIT_PER_SECOND', 20),
    burst: positiveNumber(env, 'RATE_LIMIT_BURST', 40),
  };
  const users = env.AMQP_USERS || undefined;
  const classPassword = env.CLASS_PASSWORD || undefined;
  const amqpListener: AmqpListenerConfig = {
    listen: parseAmqpListen(env.AMQP_LISTEN, Boolean(users || classPassword)),
    given: (env.AMQP_LISTEN ?? '').trim() !== '' && env.AMQP_LISTEN!.trim().toLowerCase() !== 'off',
    users,
    classPassword,
    classVhost: env.AMQP_CLASS_VHOST?.trim() || 'class',
    maxConnections: positiveNumber(env, 'AMQP_MAX_CONNECTIONS', 1000),
    maxQueuedBytes: positiveNumber(env, 'AMQP_MAX_QUEUED_MB', 256) * 1024 * 1024,
  };
  const teacherKey = env.TEACHER_KEY || randomBytes(9).toString('base64url');
  const runIsolation = (env.RUN_ISOLATION || 'auto').toLowerCase();
  if (runIsolation !== 'auto' && runIsolation !== 'vhost' && runIsolation !== 'prefix') {
    throw new Error(`RUN_ISOLATION must be auto, vhost or prefix, got "${env.RUN_ISOLATION}"`);
  }
  return {
    port,
    broker,
    amqpUrl,
    amqpTls,
    amqpConnectionName,
    amqpHeartbeatS,
    brokerTimeoutMs,
    rateLimit,
    amqpListener,
    teacherKey,
    publicUrl: env.PUBLIC_URL?.trim() || undefined,
    runIsolation,
    managementUrl: env.RABBITMQ_MANAGEMENT_URL?.trim() || undefined,
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

function nonNegativeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds (0 or more), got "${raw}"`);
  return n;
}

/** The URL as it may be shown or logged: never with its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
