// The two login mechanisms RabbitMQ offers by default. PLAIN (RFC 4616):
// "\0user\0password". AMQPLAIN: a field table without its length prefix,
// with LOGIN and PASSWORD (rabbit_auth_mechanism_amqplain).
import { createRequire } from 'node:module';
import path from 'node:path';

const req = createRequire(import.meta.url);
const codec = req(path.join(path.dirname(req.resolve('amqplib')), 'lib', 'codec.js')) as {
  decodeFields(b: Buffer): Record<string, unknown>;
};

type Decoder = (response: Buffer) => { user: string; password: string } | null;

export const MECHANISMS = 'PLAIN AMQPLAIN';

export const codecs: Record<string, Decoder> = {
  PLAIN(response) {
    const parts = response.toString('utf8').split('\0');
    if (parts.length !== 3) return null;
    return { user: parts[1], password: parts[2] };
  },
  AMQPLAIN(response) {
    try {
      const table = codec.decodeFields(response);
      const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined);
      const user = text(table.LOGIN);
      const password = text(table.PASSWORD);
      return user === undefined || password === undefined ? null : { user, password };
    } catch {
      return null;
    }
  },
};
