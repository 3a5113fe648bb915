// "From your own program": the code an outside AMQP client needs to talk to
// this participant, with the documented names (src/chat/naming.ts).
function peerOf(me) {
  const name = me.name === 'Otana' ? 'Mehdi' : 'Otana';
  const inbox = me.inbox === 'task_queue2' ? 'task_queue1' : 'task_queue2';
  return { name, inbox };
}

const py = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function pikaSnippet(naming, me) {
  const peer = peerOf(me);
  const url = naming.url ?? 'amqp://guest:guest@localhost:5672';
  return `# Debian: apt install python3-pika — elsewhere: pip install pika
import pika

# the playground's broker (a password is never shown here)
connection = pika.BlockingConnection(pika.URLParameters(${py(url)}))
channel = connection.channel()
channel.queue_declare(queue=${py(peer.inbox)})  # your inbox: a plain queue (not durable), as the page declares one

# to ${me.name}: the default exchange, routing key = ${me.name}'s inbox queue
channel.basic_publish(exchange='', routing_key=${py(me.inbox)}, body='Hi How Are you',
                      properties=pika.BasicProperties(headers={'from': ${py(peer.name)}}, delivery_mode=2))
# or by name: exchange=${py(naming.exchange.name)}, routing_key=${py(`user.${me.name}`)}
# the whole room: exchange=${py(naming.exchange.name)}, routing_key=${py(`room.${me.room}`)}

def callback(ch, method, properties, body):
    sender = (properties.headers or {}).get('from', 'anonymous')
    print(f"{sender} -- {body.decode()}")

# ${me.name} reaches you from the page with "a queue": ${peer.inbox}
channel.basic_consume(queue=${py(peer.inbox)}, on_message_callback=callback, auto_ack=True)
channel.start_consuming()
`;
}

const js = (s) => JSON.stringify(s);

export function amqplibSnippet(naming, me) {
  const peer = peerOf(me);
  const url = naming.url ?? 'amqp://guest:guest@localhost:5672';
  return `// npm i amqplib — an ES module (.mjs)
import amqp from 'amqplib';

const connection = await amqp.connect(${js(url)}); // a password is never shown here
const channel = await connection.createChannel();
await channel.assertQueue(${js(peer.inbox)}, { durable: false }); // your inbox: a plain queue, as the page declares one

// to ${me.name}: the default exchange, routing key = ${me.name}'s inbox queue
channel.sendToQueue(${js(me.inbox)}, Buffer.from('Hi How Are you'),
  { headers: { from: ${js(peer.name)} }, persistent: true });
// or by name: channel.publish(${js(naming.exchange.name)}, ${js(`user.${me.name}`)}, …)
// the whole room: channel.publish(${js(naming.exchange.name)}, ${js(`room.${me.room}`)}, …)

await channel.consume(${js(peer.inbox)}, (msg) => {
  const sender = msg.properties.headers?.from ?? 'anonymous';
  console.log(\`\${sender} -- \${msg.content.toString()}\`);
}, { noAck: true });
`;
}
