// Export as code: an ES module that declares the sandbox's topology with
// amqplib (and publishes its messages, in order), so a student can take what
// they built to their own broker. Every user string goes through
// JSON.stringify, which makes it a safe JS literal: no name can break out.
import type { FieldTable } from '../engine/types.js';
import type { SandboxMessage, Topology } from './topology-schema.js';

const str = (s: string) => JSON.stringify(s);

/**
 * A table as a JS expression. `{"__proto__": …}` in an object literal would set
 * the prototype instead of a key, so such a table is spelled as JSON.parse(…).
 */
function table(t: FieldTable): string {
  const json = JSON.stringify(t);
  return Object.hasOwn(t, '__proto__') ? `JSON.parse(${str(json)})` : json;
}

export function amqplibCode(topology: Topology, messages: SandboxMessage[] = []): string {
  const lines: string[] = [
    '// The topology built in the exchange-types playground sandbox, declared with amqplib.',
    '// Run it with Node 18 or later: npm install amqplib && node topology.mjs',
    '// AMQP_URL picks the broker and the vhost, e.g. amqp://guest:guest@localhost:5672/%2F',
    "import amqp from 'amqplib';",
    '',
    "const url = process.env.AMQP_URL ?? 'amqp://guest:guest@localhost:5672';",
    'const connection = await amqp.connect(url);',
    // A confirm channel: waitForConfirms below tells when the broker has every message.
    'const channel = await connection.createConfirmChannel();',
    "channel.on('return', ({ fields }) => console.log(`returned, no queue: exchange ${JSON.stringify(fields.exchange)}, routing key ${JSON.stringify(fields.routingKey)}`));",
    '',
  ];
  if (topology.exchanges.length > 0) lines.push('// Exchanges (amqplib defaults durable to true: every flag is spelled out)');
  for (const x of topology.exchanges) {
    const options = `{ durable: ${x.durable}, autoDelete: ${x.auto_delete}, internal: ${x.internal}, arguments: ${table(x.arguments)} }`;
    lines.push(`await channel.assertExchange(${str(x.name)}, ${str(x.type)}, ${options});`);
  }
  if (topology.queues.length > 0) lines.push('', '// Queues');
  for (const q of topology.queues) {
    const options = `{ durable: ${q.durable}, autoDelete: ${q.auto_delete}, arguments: ${table(q.arguments)} }`;
    lines.push(`await channel.assertQueue(${str(q.name)}, ${options});`);
  }
  if (topology.bindings.length > 0) lines.push('', '// Bindings: (destination, source, binding key, arguments)');
  for (const b of topology.bindings) {
    const method = b.destination_type === 'exchange' ? 'bindExchange' : 'bindQueue';
    lines.push(`await channel.${method}(${str(b.destination)}, ${str(b.source)}, ${str(b.routing_key)}, ${table(b.arguments)});`);
  }
  if (messages.length > 0) {
    lines.push('', '// Messages, in the order they were published in the sandbox');
    for (const m of messages) {
      const options: string[] = [];
      if (Object.keys(m.properties.headers).length > 0) options.push(`headers: ${table(m.properties.headers)}`);
      if (m.mandatory) options.push('mandatory: true');
      lines.push(
        `channel.publish(${str(m.exchange)}, ${str(m.routing_key)}, Buffer.from(${str(m.payload)}), ${options.length > 0 ? `{ ${options.join(', ')} }` : '{}'});`,
      );
    }
    lines.push('await channel.waitForConfirms();');
  }
  lines.push('', 'await channel.close();', 'await connection.close();', '');
  return lines.join('\n');
}
