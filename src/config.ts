// Configuration from the environment: the only place that reads process.env.
export interface Config {
  port: number;
  broker: 'auto' | 'embedded' | 'rabbitmq';
  amqpUrl: string;
  /** TLS for amqps:// URLs: a custom CA (PEM file) and whether to verify the server. */
  amqpTls: { caFile?: string; rejectUnauthorized: boolean };
  /** connection_name of the server's AMQP connection, as RabbitMQ lists it (tell server processes apart). */
  amqpConnectionName: string;
  /**
   * POST /api/* per client address (src/web/rate-limit.ts). A classroom
   * behind one NAT address is one client: raise it there (README).
   */
  rateLimit: { perSecond: number; burst: number };
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
  const rateLimit = {
    perSecond: positiveNumber(env, 'RATE_LIMIT_PER_SECOND', 20),
    burst: positiveNumber(env, 'RATE_LIMIT_BURST', 40),
  };
  return { port, broker, amqpUrl, amqpTls, amqpConnectionName, rateLimit };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
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
