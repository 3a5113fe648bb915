// What the live view hears about the programs connected to a vhost: one event
// per thing a program did or the broker did to it, read from the AMQP frames
// that crossed the wire (the same on the embedded listener and on the relay
// to a real RabbitMQ). Bodies travel only as a bounded text preview.
import type { FieldTable } from '../engine/types.js';

export interface ConnectionRef {
  /** Unique per server process ("c7"). */
  connection: string;
  channel: number;
}

export type LiveEvent =
  | { kind: 'connection-opened'; connection: string; user: string; client: string; name: string | null; address: string }
  | { kind: 'connection-closed'; connection: string; code?: number; text?: string }
  | ({ kind: 'channel-opened' } & ConnectionRef)
  | ({ kind: 'channel-closed'; code?: number; text?: string } & ConnectionRef)
  | {
      kind: 'exchange-declared';
      name: string;
      type: string;
      durable: boolean;
      autoDelete: boolean;
      internal: boolean;
      arguments: FieldTable;
    }
  | { kind: 'exchange-deleted'; name: string }
  | {
      kind: 'queue-declared';
      connection: string;
      name: string;
      durable: boolean;
      exclusive: boolean;
      autoDelete: boolean;
      arguments: FieldTable;
      messages: number;
      consumers: number;
    }
  | { kind: 'queue-deleted'; name: string }
  | { kind: 'queue-purged'; name: string }
  | {
      kind: 'bound' | 'unbound';
      source: string;
      destination: string;
      destinationType: 'queue' | 'exchange';
      bindingKey: string;
      arguments: FieldTable;
    }
  | ({ kind: 'consumer-added'; tag: string; queue: string; noAck: boolean } & ConnectionRef)
  | ({ kind: 'consumer-removed'; tag: string; byBroker: boolean } & ConnectionRef)
  | ({
      kind: 'published';
      exchange: string;
      routingKey: string;
      mandatory: boolean;
      headers: FieldTable;
      preview: string;
      size: number;
    } & ConnectionRef)
  | ({
      kind: 'delivered';
      via: 'consume' | 'get';
      tag: string | null;
      deliveryTag: number;
      redelivered: boolean;
      exchange: string;
      routingKey: string;
      queue: string;
      noAck: boolean;
      queueMessages?: number;
    } & ConnectionRef)
  | ({ kind: 'settled'; how: 'ack' | 'nack' | 'reject'; deliveryTag: number; multiple: boolean; requeue: boolean } & ConnectionRef)
  | ({ kind: 'returned'; code: number; text: string; exchange: string; routingKey: string } & ConnectionRef)
  | { kind: 'blocked'; connection: string; reason: string }
  | { kind: 'unblocked'; connection: string };

/** At most this many characters of a body are ever kept or shown. */
export const PREVIEW_CHARS = 200;

/** A body as text for the page: UTF-8, cut to PREVIEW_CHARS; binary shown as its size. */
export function bodyPreview(body: Buffer): string {
  const text = body.subarray(0, PREVIEW_CHARS * 4).toString('utf8');
  // U+FFFD: bytes that are not UTF-8 — a binary body says so instead of showing noise.
  if (text.includes('\uFFFD') && body.length > 0) return `(${body.length} bytes, binary)`;
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
