import assert from 'node:assert/strict';
import type { RawDelivery } from '../../src/chat/chat-message.js';
import { decodeDelivery } from '../../src/chat/inbound.js';

const raw = (over: Partial<RawDelivery>): RawDelivery => ({
  body: Buffer.from('hello'),
  exchange: '',
  routingKey: 'task_queue1',
  queue: 'task_queue1',
  redelivered: false,
  ...over,
});

describe('messages from any AMQP client (src/chat/inbound.ts)', () => {
  it('shows a plain body without properties, as the report sends it, as anonymous', () => {
    const m = decodeDelivery(raw({ body: Buffer.from('Hi How Are you') }));
    assert.equal(m.text, 'Hi How Are you');
    assert.equal(m.from, null);
    assert.equal(m.refused, null);
    assert.match(m.id, /^srv-/);
    assert.deepEqual(m.path, { exchange: '', routingKey: 'task_queue1', queue: 'task_queue1' });
  });

  it('takes the sender from the "from" header, as a string (pika) or as bytes', () => {
    assert.equal(decodeDelivery(raw({ headers: { from: 'Otana' } })).from, 'Otana');
    assert.equal(decodeDelivery(raw({ headers: { from: Buffer.from('Zoë') } })).from, 'Zoë');
  });

  it('shows a sender that is not a valid name as anonymous', () => {
    for (const from of ['<img src=x onerror=alert(1)>', 'a b', '', 'x'.repeat(33), 42, { a: 1 }]) {
      assert.equal(decodeDelivery(raw({ headers: { from } })).from, null, String(from));
    }
  });

  it('keeps HTML in the text as text (the page sets textContent)', () => {
    assert.equal(decodeDelivery(raw({ body: Buffer.from('<img src=x onerror=alert(1)>') })).text, '<img src=x onerror=alert(1)>');
  });

  it('refuses bodies that are empty, too long or not UTF-8, as the page refuses its own', () => {
    assert.equal(decodeDelivery(raw({ body: Buffer.from('   ') })).refused, 'empty');
    assert.equal(decodeDelivery(raw({ body: Buffer.from('é'.repeat(2001)) })).refused, 'too-long');
    assert.equal(decodeDelivery(raw({ body: Buffer.alloc(9000, 0x61) })).refused, 'too-long');
    assert.equal(decodeDelivery(raw({ body: Buffer.from([0xc3, 0x28]) })).refused, 'not-utf8');
    assert.equal(decodeDelivery(raw({ body: Buffer.from('😀'.repeat(2000)) })).refused, null); // characters, not bytes
  });

  it('keeps a usable message id and replaces an unusable one', () => {
    assert.equal(decodeDelivery(raw({ messageId: 'abc-123' })).id, 'abc-123');
    assert.match(decodeDelivery(raw({ messageId: 'has space' })).id, /^srv-/);
    assert.match(decodeDelivery(raw({ messageId: 7 })).id, /^srv-/);
  });

  it('turns the AMQP timestamp (seconds) into ms and ignores nonsense', () => {
    assert.equal(decodeDelivery(raw({ timestamp: 1_700_000_000 })).sentAt, 1_700_000_000_000);
    assert.equal(decodeDelivery(raw({ timestamp: 'yesterday' })).sentAt, null);
  });

  it('recognises the "online" notice only from its header', () => {
    assert.equal(decodeDelivery(raw({ headers: { 'chat-event': 'join' } })).event, 'join');
    assert.equal(decodeDelivery(raw({ headers: { 'chat-event': 'offline' } })).event, null);
  });
});
