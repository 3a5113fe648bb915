// The client code that builds a scenario, ready to copy: amqplib
// (TypeScript, what this server uses) and pika (Python, the report's client),
// written in the style of RabbitMQ's own tutorials. Generated from the same
// data the page plays, so the code can never drift from the lesson; a test
// runs both programs against RabbitMQ and compares what they print.
import type { FieldTable, FieldValue } from '../engine/types.js';
import type { Lang, Translate } from '../i18n/catalogs.js';
import type { ConsumerScenario, RoutingScenario, Scenario } from './schema.js';

export interface CodeSnippets {
  typescript: string;
  python: string;
}

export interface SnippetOptions {
  /** The page's language and its words: the programs' comments speak it (the code itself is the same). */
  lang: Lang;
  t: Translate;
  /** Put before every exchange and queue name (tests use it to stay apart from other users of the broker). */
  prefix?: string;
}

/** The comments of a program, in the reader's language. */
interface Comments {
  title: string;
  installTs: string;
  installPy: string;
  returned: string;
  step: (k: number) => string;
  holds: string;
  cleanupTopology: string;
  cleanupQueue: string;
  consumerChannel: string;
}

export function codeSnippets(scenario: Scenario, options: SnippetOptions): CodeSnippets {
  const names = new Names(scenario, options.prefix ?? '');
  const { t } = options;
  const c: Comments = {
    title: scenario.title[options.lang],
    installTs: t('code.installTs', { file: `${scenario.id}.ts` }),
    installPy: t('code.installPy', { file: `${scenario.id.replace(/-/g, '_')}.py` }),
    returned: t('code.returned'),
    step: (k) => t('code.step', { n: k }),
    holds: t('code.holds'),
    cleanupTopology: t('code.cleanupTopology'),
    cleanupQueue: t('code.cleanupQueue'),
    consumerChannel: t('code.consumerChannel'),
  };
  return scenario.kind === 'routing'
    ? { typescript: routingTs(scenario, names, c), python: routingPy(scenario, names, c) }
    : { typescript: consumersTs(scenario, names, c), python: consumersPy(scenario, names, c) };
}

/** The body a step's message carries (the payload, else something that names it). */
export function bodyOf(message: { payload?: string; routing_key?: string }, index: number): string {
  return message.payload || message.routing_key || `message ${index + 1}`;
}

class Names {
  constructor(
    private readonly scenario: Scenario,
    private readonly prefix: string,
  ) {}
  exchange(name: string): string {
    return name === '' ? '' : this.prefix + name;
  }
  queue(name: string): string {
    return this.prefix + name;
  }
  /** Publishing to "" names a queue in the routing key. */
  routingKey(exchange: string, key: string): string {
    return exchange === '' ? this.prefix + key : key;
  }
  /** Arguments that name an exchange must follow the prefix too. */
  args(table: FieldTable | undefined): FieldTable | undefined {
    if (!table) return undefined;
    const out: FieldTable = { ...table };
    for (const key of ['alternate-exchange', 'x-dead-letter-exchange']) {
      if (typeof out[key] === 'string') out[key] = this.exchange(out[key]);
    }
    return out;
  }
  get queues(): string[] {
    return this.scenario.definitions.queues.map((q) => q.name);
  }
}

// --- literals ---------------------------------------------------------------

function tsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
function tsValue(v: FieldValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return tsString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tsValue).join(', ')}]`;
  const entries = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsString(k)}: ${tsValue(x)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}
function pyString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
function pyValue(v: FieldValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyString(k)}: ${pyValue(x)}`)
    .join(', ')}}`;
}
const hasKeys = (t: FieldTable | undefined): t is FieldTable => t !== undefined && Object.keys(t).length > 0;

// --- routing scenarios --------------------------------------------------------

function routingTs(s: RoutingScenario, n: Names, c: Comments): string {
  const d = s.definitions;
  const lines = [
    `// ${c.title}`,
    `// ${c.installTs}`,
    `import amqp from 'amqplib';`,
    ``,
    `const connection = await amqp.connect('amqp://localhost');`,
    `const channel = await connection.createConfirmChannel();`,
    `// ${c.returned}`,
    `channel.on('return', (msg) => console.log(\`returned: \${msg.fields.routingKey}\`));`,
    ``,
  ];
  for (const x of d.exchanges ?? []) {
    const args = n.args(x.arguments);
    const opts = [`durable: false`, ...(x.internal ? ['internal: true'] : []), ...(hasKeys(args) ? [`arguments: ${tsValue(args)}`] : [])];
    lines.push(`await channel.assertExchange(${tsString(n.exchange(x.name))}, ${tsString(x.type)}, { ${opts.join(', ')} });`);
  }
  for (const q of d.queues) {
    const args = n.args(q.arguments);
    const opts = [`durable: false`, ...(hasKeys(args) ? [`arguments: ${tsValue(args)}`] : [])];
    lines.push(`await channel.assertQueue(${tsString(n.queue(q.name))}, { ${opts.join(', ')} });`);
  }
  for (const b of d.bindings ?? []) {
    const toExchange = b.destination_type === 'exchange';
    const call = toExchange ? 'bindExchange' : 'bindQueue';
    const dest = toExchange ? n.exchange(b.destination) : n.queue(b.destination);
    const args = hasKeys(b.arguments) ? `, ${tsValue(b.arguments)}` : '';
    lines.push(`await channel.${call}(${tsString(dest)}, ${tsString(n.exchange(b.source))}, ${tsString(b.routing_key ?? '')}${args});`);
  }
  lines.push('');
  s.steps.forEach((step, k) => {
    const m = step.message;
    const opts = [
      ...(hasKeys(m.properties?.headers) ? [`headers: ${tsValue(m.properties.headers)}`] : []),
      ...(m.mandatory ? ['mandatory: true'] : []),
    ];
    lines.push(`// ${c.step(k + 1)}`);
    lines.push(
      `channel.publish(${tsString(n.exchange(m.exchange))}, ${tsString(n.routingKey(m.exchange, m.routing_key ?? ''))}, Buffer.from(${tsString(bodyOf(m, k))})${opts.length ? `, { ${opts.join(', ')} }` : ''});`,
    );
  });
  lines.push(
    `await channel.waitForConfirms();`,
    ``,
    `// ${c.holds}`,
    `for (const queue of [${n.queues.map((q) => tsString(n.queue(q))).join(', ')}]) {`,
    `  const held: string[] = [];`,
    `  let msg;`,
    `  while ((msg = await channel.get(queue, { noAck: true }))) held.push(msg.content.toString());`,
    `  console.log(\`\${queue}: \${held.join(', ')}\`);`,
    `}`,
    ``,
    `// ${c.cleanupTopology}`,
    ...n.queues.map((q) => `await channel.deleteQueue(${tsString(n.queue(q))});`),
    ...(d.exchanges ?? []).map((x) => `await channel.deleteExchange(${tsString(n.exchange(x.name))});`),
    `await connection.close();`,
  );
  return lines.join('\n') + '\n';
}

function routingPy(s: RoutingScenario, n: Names, c: Comments): string {
  const d = s.definitions;
  const lines = [
    `# ${c.title}`,
    `# ${c.installPy}`,
    `import pika`,
    ``,
    `connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))`,
    `channel = connection.channel()`,
    `channel.confirm_delivery()  # a mandatory message that reaches no queue raises UnroutableError`,
    ``,
  ];
  for (const x of d.exchanges ?? []) {
    const args = n.args(x.arguments);
    const extra = [...(x.internal ? ['internal=True'] : []), ...(hasKeys(args) ? [`arguments=${pyValue(args)}`] : [])];
    lines.push(
      `channel.exchange_declare(exchange=${pyString(n.exchange(x.name))}, exchange_type=${pyString(x.type)}${extra.map((e) => `, ${e}`).join('')})`,
    );
  }
  for (const q of d.queues) {
    const args = n.args(q.arguments);
    lines.push(`channel.queue_declare(queue=${pyString(n.queue(q.name))}${hasKeys(args) ? `, arguments=${pyValue(args)}` : ''})`);
  }
  for (const b of d.bindings ?? []) {
    const args = hasKeys(b.arguments) ? `, arguments=${pyValue(b.arguments)}` : '';
    const key = pyString(b.routing_key ?? '');
    if (b.destination_type === 'exchange') {
      lines.push(
        `channel.exchange_bind(destination=${pyString(n.exchange(b.destination))}, source=${pyString(n.exchange(b.source))}, routing_key=${key}${args})`,
      );
    } else {
      lines.push(
        `channel.queue_bind(queue=${pyString(n.queue(b.destination))}, exchange=${pyString(n.exchange(b.source))}, routing_key=${key}${args})`,
      );
    }
  }
  lines.push(
    ``,
    ``,
    `def publish(exchange, routing_key, body, headers=None, mandatory=False):`,
    `    try:`,
    `        channel.basic_publish(exchange, routing_key, body.encode(), pika.BasicProperties(headers=headers), mandatory=mandatory)`,
    `    except pika.exceptions.UnroutableError:`,
    `        print(f'returned: {routing_key}')`,
    ``,
    ``,
  );
  s.steps.forEach((step, k) => {
    const m = step.message;
    const extra = [
      ...(hasKeys(m.properties?.headers) ? [`headers=${pyValue(m.properties.headers)}`] : []),
      ...(m.mandatory ? ['mandatory=True'] : []),
    ];
    lines.push(`# ${c.step(k + 1)}`);
    lines.push(
      `publish(${pyString(n.exchange(m.exchange))}, ${pyString(n.routingKey(m.exchange, m.routing_key ?? ''))}, ${pyString(bodyOf(m, k))}${extra.map((e) => `, ${e}`).join('')})`,
    );
  });
  lines.push(
    ``,
    `# ${c.holds}`,
    `for queue in [${n.queues.map((q) => pyString(n.queue(q))).join(', ')}]:`,
    `    held = []`,
    `    while True:`,
    `        method, properties, body = channel.basic_get(queue, auto_ack=True)`,
    `        if method is None:`,
    `            break`,
    `        held.append(body.decode())`,
    `    print(f"{queue}: {', '.join(held)}")`,
    ``,
    `# ${c.cleanupTopology}`,
    ...n.queues.map((q) => `channel.queue_delete(${pyString(n.queue(q))})`),
    ...(d.exchanges ?? []).map((x) => `channel.exchange_delete(${pyString(n.exchange(x.name))})`),
    `connection.close()`,
  );
  return lines.join('\n') + '\n';
}

// --- consumer scenarios ---------------------------------------------------------

/** A consumer's variable name in the generated code. */
function ident(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `c_${id}`;
}

function consumersTs(s: ConsumerScenario, n: Names, c: Comments): string {
  const lines = [
    `// ${c.title}`,
    `// ${c.installTs}`,
    `import amqp, { type ConsumeMessage } from 'amqplib';`,
    ``,
    `const connection = await amqp.connect('amqp://localhost');`,
    `const publisher = await connection.createChannel();`,
    ...s.definitions.queues.map((q) => `await publisher.assertQueue(${tsString(n.queue(q.name))}, { durable: false });`),
    ``,
    `// ${c.consumerChannel}`,
    `async function consumer(name: string, queue: string, prefetch = 0) {`,
    `  const channel = await connection.createChannel();`,
    `  if (prefetch > 0) await channel.prefetch(prefetch); // basic.qos: at most this many unacknowledged messages`,
    `  const held = new Map<string, ConsumeMessage>();`,
    `  await channel.consume(queue, (msg) => {`,
    `    if (!msg) return;`,
    `    held.set(msg.content.toString(), msg);`,
    `    console.log(\`\${msg.content} → \${name}\${msg.fields.redelivered ? ' (redelivered)' : ''}\`);`,
    `  }, { noAck: false }); // manual acknowledgements`,
    `  return {`,
    `    ack(body: string) { channel.ack(held.get(body)!); held.delete(body); },`,
    `    nack(body: string, requeue: boolean) { channel.nack(held.get(body)!, false, requeue); held.delete(body); },`,
    `    leave() { return channel.close(); }, // its unacknowledged messages go back to the queue`,
    `  };`,
    `}`,
    `const pause = () => new Promise((resolve) => setTimeout(resolve, 200)); // let the deliveries arrive`,
    ``,
  ];
  const declared = new Set<string>();
  s.steps.forEach((step, k) => {
    lines.push(`// ${c.step(k + 1)}`);
    for (const a of step.actions) {
      switch (a.type) {
        case 'publish':
          lines.push(
            `publisher.sendToQueue(${tsString(n.routingKey('', a.message.routing_key ?? ''))}, Buffer.from(${tsString(a.message.payload)}));`,
          );
          break;
        case 'consume': {
          const call = `await consumer(${tsString(a.consumer)}, ${tsString(n.queue(a.queue))}${a.prefetch ? `, ${a.prefetch}` : ''});`;
          lines.push(`${declared.has(a.consumer) ? '' : 'let '}${ident(a.consumer)} = ${call}`);
          declared.add(a.consumer);
          break;
        }
        case 'ack':
          lines.push(`${ident(a.consumer)}.ack(${tsString(a.message)});`);
          break;
        case 'nack':
          lines.push(`${ident(a.consumer)}.nack(${tsString(a.message)}, ${a.requeue});`);
          break;
        case 'leave':
          lines.push(`await ${ident(a.consumer)}.leave();`);
          break;
      }
    }
    lines.push(`await pause();`);
  });
  lines.push(
    ``,
    `// ${c.cleanupQueue}`,
    ...s.definitions.queues.map((q) => `await publisher.deleteQueue(${tsString(n.queue(q.name))});`),
    `await connection.close();`,
  );
  return lines.join('\n') + '\n';
}

function consumersPy(s: ConsumerScenario, n: Names, c: Comments): string {
  const lines = [
    `# ${c.title}`,
    `# ${c.installPy}`,
    `import pika`,
    ``,
    `connection = pika.BlockingConnection(pika.ConnectionParameters('localhost'))`,
    `publisher = connection.channel()`,
    ...s.definitions.queues.map((q) => `publisher.queue_declare(queue=${pyString(n.queue(q.name))})`),
    ``,
    ``,
    `class Consumer:`,
    `    """${c.consumerChannel}"""`,
    ``,
    `    def __init__(self, name, queue, prefetch=0):`,
    `        self.name, self.held = name, {}`,
    `        self.channel = connection.channel()`,
    `        if prefetch:`,
    `            self.channel.basic_qos(prefetch_count=prefetch)  # at most this many unacknowledged messages`,
    `        self.channel.basic_consume(queue=queue, on_message_callback=self.on_message, auto_ack=False)`,
    ``,
    `    def on_message(self, channel, method, properties, body):`,
    `        self.held[body.decode()] = method.delivery_tag`,
    `        print(f'{body.decode()} → {self.name}' + (' (redelivered)' if method.redelivered else ''))`,
    ``,
    `    def ack(self, body):`,
    `        self.channel.basic_ack(delivery_tag=self.held.pop(body))`,
    ``,
    `    def nack(self, body, requeue):`,
    `        self.channel.basic_nack(delivery_tag=self.held.pop(body), requeue=requeue)`,
    ``,
    `    def leave(self):`,
    `        self.channel.close()  # its unacknowledged messages go back to the queue`,
    ``,
    ``,
    `def pause():`,
    `    connection.process_data_events(time_limit=0.2)  # let the deliveries arrive`,
    ``,
    ``,
  ];
  s.steps.forEach((step, k) => {
    lines.push(`# ${c.step(k + 1)}`);
    for (const a of step.actions) {
      switch (a.type) {
        case 'publish':
          lines.push(
            `publisher.basic_publish(exchange='', routing_key=${pyString(n.routingKey('', a.message.routing_key ?? ''))}, body=${pyString(a.message.payload)}.encode())`,
          );
          break;
        case 'consume':
          lines.push(
            `${ident(a.consumer)} = Consumer(${pyString(a.consumer)}, ${pyString(n.queue(a.queue))}${a.prefetch ? `, prefetch=${a.prefetch}` : ''})`,
          );
          break;
        case 'ack':
          lines.push(`${ident(a.consumer)}.ack(${pyString(a.message)})`);
          break;
        case 'nack':
          lines.push(`${ident(a.consumer)}.nack(${pyString(a.message)}, requeue=${a.requeue ? 'True' : 'False'})`);
          break;
        case 'leave':
          lines.push(`${ident(a.consumer)}.leave()`);
          break;
      }
    }
    lines.push(`pause()`);
  });
  lines.push(
    ``,
    `# ${c.cleanupQueue}`,
    ...s.definitions.queues.map((q) => `publisher.queue_delete(${pyString(n.queue(q.name))})`),
    `connection.close()`,
  );
  return lines.join('\n') + '\n';
}
