// A real system's definitions file, as `rabbitmqctl export_definitions`
// writes it: 300 queues of 20 services bound to topic, direct and fanout
// exchanges by 900 bindings (deterministic, no randomness): the large
// topology of the sandbox tests (issue 14: import, run, layout).

const SERVICES = [
  'orders',
  'billing',
  'shipping',
  'stock',
  'users',
  'mail',
  'search',
  'audit',
  'reports',
  'payments',
  'catalog',
  'reviews',
  'carts',
  'loyalty',
  'fraud',
  'tax',
  'returns',
  'pricing',
  'alerts',
  'sessions',
];
const EVENTS = ['created', 'updated', 'deleted', 'paid', 'failed'];
const REGIONS = ['eu', 'us', 'asia'];

export const LARGE_QUEUES = 300;

export function largeDefinitions() {
  const exchanges = [
    { name: 'events', vhost: '/', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
    { name: 'commands', vhost: '/', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
    { name: 'broadcast', vhost: '/', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
  ];
  const queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, string> }[] = [];
  const bindings: {
    source: string;
    vhost: string;
    destination: string;
    destination_type: string;
    routing_key: string;
    arguments: Record<string, never>;
  }[] = [];
  const bind = (source: string, destination: string, routing_key: string) =>
    bindings.push({ source, vhost: '/', destination, destination_type: 'queue', routing_key, arguments: {} });
  for (let i = 0; i < LARGE_QUEUES; i++) {
    const service = SERVICES[i % SERVICES.length];
    const event = EVENTS[Math.floor(i / SERVICES.length) % EVENTS.length];
    const region = REGIONS[Math.floor(i / (SERVICES.length * EVENTS.length)) % REGIONS.length];
    const name = `${service}.${event}.${region}`;
    queues.push({ name, vhost: '/', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'classic' } });
    // Three bindings a queue: its own events, a wildcard over regions or services, and a command or the broadcast.
    bind('events', name, `${service}.${event}.${region}`);
    bind('events', name, i % 3 === 0 ? `${service}.#` : i % 3 === 1 ? `*.${event}.${region}` : `#.${region}`);
    if (i % 10 === 0) bind('broadcast', name, '');
    else bind('commands', name, `${service}.${event}`);
  }
  return {
    rabbit_version: '3.10.8',
    rabbitmq_version: '3.10.8',
    product_name: 'RabbitMQ',
    product_version: '3.10.8',
    users: [],
    vhosts: [{ name: '/' }],
    permissions: [],
    topic_permissions: [],
    parameters: [],
    global_parameters: [],
    policies: [],
    queues,
    exchanges,
    bindings,
  };
}
