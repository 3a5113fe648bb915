// Declares a run's topology on the broker, in the order the definitions list
// it (exchanges, then queues, then bindings), and stops at the first
// refusal — which is an outcome, not an exception. In 'skip' mode (the
// sandbox) a refusal is noted and setup goes on without that entity, on a
// fresh channel (the broker closed the one it refused on).
import type { Channel } from 'amqplib';
import type { AmqpError, Definitions, RunOptions, RunOutcome, SetupRefusal } from '../../engine/types.js';
import { refusalReason } from '../../engine/refusal-reason.js';
import { amqpRefusal, localRefusal } from './amqp-failure.js';
import type { ChannelPool, TrackedChannel } from './channel-pool.js';
import type { Created } from './created.js';
import { exchangeArguments, queueArguments, withRunNames } from './declare-arguments.js';
import { stripCrLf, type RunNames } from './namespace.js';
import { onChannels } from './parallel.js';
import { PREDECLARED_EXCHANGES } from '../../amqp/predeclared.js';
import { isExchangeType } from '../../amqp/exchange-types.js';

/** A queue of the run, as the outcome lists it. */
export interface RunQueue {
  /** The name the user declared (the outcome's key). */
  declared: string;
  /** The name on the broker. */
  real: string;
  /** The name the run's messages reach it by: the declared one without CR/LF, or the server-generated one. */
  visible: string;
}

export interface SetupResult {
  error: RunOutcome['setup_error'];
  errorAt?: RunOutcome['setup_error_at'];
  /** Exchanges that exist now, real name → internal flag (for publishing, see publish.ts). */
  exchanges: Map<string, { internal: boolean }>;
  /** Declared queues in first-declaration order, one entry per real queue. */
  queues: RunQueue[];
  /** 'skip' mode: every refusal, in the order made. */
  refusals: SetupRefusal[];
}

/** A refusal during setup: where it happened and what the broker said. */
class SetupRefused extends Error {
  constructor(
    readonly refusal: AmqpError,
    readonly at: NonNullable<RunOutcome['setup_error_at']>,
  ) {
    super(refusal.message);
  }
}

export interface SetupNeeds {
  /** Some message is published to "" or some queue dead-letters to "": the stand-in must exist. */
  defaultExchange: boolean;
}

export async function declareTopology(
  pool: ChannelPool,
  ns: RunNames,
  definitions: Definitions,
  needs: SetupNeeds,
  mentioned: Set<string>,
  created: Created,
  onRefusal: NonNullable<RunOptions['onRefusal']> = 'stop',
): Promise<SetupResult> {
  const result: SetupResult = { error: null, exchanges: new Map(), queues: [], refusals: [] };
  if (ns.prefixed) await declarePrivateCopies(pool, ns, mentioned, created, result);
  else
    for (const [name, x] of [...PREDECLARED_EXCHANGES, ['', { internal: false }] as const])
      result.exchanges.set(name, { internal: x.internal });
  const setup = new SetupChannel(pool, await pool.plain(), (err) => {
    const refusal = { ...err.refusal, message: ns.translate(err.refusal.message) };
    if (onRefusal === 'stop') throw err;
    result.refusals.push({ ...err.at, ...refusal, ...refusalReason(refusal) });
  });
  try {
    await declareExchanges(setup, ns, definitions, created, result);
    const lastQueue = await declareQueues(setup, ns, definitions, created, result);
    await declareBindings(setup, ns, definitions, lastQueue, created);
    if (needs.defaultExchange && ns.prefixed) await declareDefaultStandIn(await setup.channel(), ns, created, result);
  } catch (err) {
    if (!(err instanceof SetupRefused)) throw err;
    result.error = { code: err.refusal.code, message: ns.translate(err.refusal.message) };
    result.errorAt = err.at;
  } finally {
    setup.release();
  }
  return result;
}

/**
 * The channel setup declares on. A refusal closes it on the broker's side
 * (404, 403, 406 are channel errors): in 'skip' mode the next declaration
 * gets a fresh channel; the closed one is never given back to the pool.
 */
class SetupChannel {
  private broken = false;
  constructor(
    private readonly pool: ChannelPool,
    private tracked: TrackedChannel,
    /** Throws to end setup ('stop'), or records the refusal and returns ('skip'). */
    readonly onRefused: (err: SetupRefused) => void,
  ) {}

  async channel(): Promise<Channel> {
    if (this.broken) {
      this.tracked = await this.pool.plain();
      this.broken = false;
    }
    return this.tracked.channel;
  }

  /** `operation` on the channel; a broker refusal → onRefused (and null when it returns). */
  async attempt<T>(at: NonNullable<RunOutcome['setup_error_at']>, operation: (ch: Channel) => Promise<T>): Promise<T | null> {
    const ch = await this.channel();
    try {
      return await operation(ch);
    } catch (err) {
      const refusal = amqpRefusal(err);
      if (!refusal) throw err;
      this.broken = true;
      this.onRefused(new SetupRefused(refusal, at));
      return null;
    }
  }

  /** A refusal made here, without asking the broker (the channel stays open). */
  refuseLocally(refusal: AmqpError, at: NonNullable<RunOutcome['setup_error_at']>): void {
    this.onRefused(new SetupRefused(refusal, at));
  }

  release(): void {
    if (!this.broken) this.pool.release(this.tracked);
  }
}

/** Every string in the request that may name a predeclared exchange. */
export function mentionedNames(definitions: Definitions, messageExchanges: string[]): Set<string> {
  const names = new Set<string>(messageExchanges);
  for (const x of definitions.exchanges ?? []) {
    names.add(stripCrLf(x.name));
    const ae = x.arguments?.['alternate-exchange'];
    if (typeof ae === 'string') names.add(ae);
  }
  for (const q of definitions.queues ?? []) {
    const dlx = q.arguments?.['x-dead-letter-exchange'];
    if (typeof dlx === 'string') names.add(dlx);
  }
  for (const b of definitions.bindings ?? []) {
    names.add(stripCrLf(b.source));
    names.add(stripCrLf(b.destination));
  }
  return names;
}

/** Private copies of the predeclared exchanges the run mentions (same type and flags), side by side. */
async function declarePrivateCopies(pool: ChannelPool, ns: RunNames, mentioned: Set<string>, created: Created, result: SetupResult) {
  const copies = [...PREDECLARED_EXCHANGES].filter(([name]) => mentioned.has(name));
  await onChannels(pool, copies, async (channel, [name, x]) => {
    const real = ns.own(name);
    created.exchanges.add(real); // before the reply: if the connection drops now, it may exist
    await channel.assertExchange(real, x.type, { durable: x.durable, autoDelete: false, internal: x.internal, arguments: {} });
    result.exchanges.set(real, { internal: x.internal });
  });
  if (result.exchanges.size !== copies.length) throw new Error('a private copy of a predeclared exchange was refused');
}

async function declareExchanges(setup: SetupChannel, ns: RunNames, definitions: Definitions, created: Created, result: SetupResult) {
  const exchanges = definitions.exchanges ?? [];
  for (let index = 0; index < exchanges.length; index++) {
    const x = exchanges[index];
    const at = { kind: 'exchange' as const, index };
    // RabbitMQ checks the type before anything else, and answers an unknown
    // one by closing the WHOLE connection (503, docs/semantics.md §9): that would cut
    // every user's run, so the refusal is made here, with the broker's words.
    if (!isExchangeType(x.type)) {
      setup.refuseLocally(localRefusal(503, `unknown exchange type '${x.type}'`), at);
      continue;
    }
    const real = ns.exchangeToDeclare(x.name, (n) => PREDECLARED_EXCHANGES.has(n));
    const internal = x.internal ?? false;
    const ok = await setup.attempt(at, (ch) =>
      ch.assertExchange(real, x.type, {
        durable: x.durable ?? false,
        autoDelete: x.auto_delete ?? false,
        internal,
        arguments: exchangeArguments(x.arguments, ns),
      }),
    );
    if (!ok) continue;
    // In a vhost of its own, amq.* are the vhost's real ones: they stay (RabbitMQ refuses to delete them).
    if (ns.prefixed || !PREDECLARED_EXCHANGES.has(real)) created.exchanges.add(real);
    result.exchanges.set(real, { internal });
  }
}

/** Declares the queues; answers the last one declared (for the queue.bind "" shortcut). */
async function declareQueues(setup: SetupChannel, ns: RunNames, definitions: Definitions, created: Created, result: SetupResult) {
  const queues = definitions.queues ?? [];
  let last: RunQueue | null = null;
  for (let index = 0; index < queues.length; index++) {
    const q = queues[index];
    const requested = ns.queueToDeclare(q.name);
    const ok = await setup.attempt({ kind: 'queue', index }, (ch) =>
      ch.assertQueue(requested, {
        durable: q.durable ?? false,
        autoDelete: q.auto_delete ?? false,
        exclusive: false,
        arguments: queueArguments(q.arguments, ns),
      }),
    );
    if (!ok) continue;
    const real = ok.queue;
    if (requested === '') ns.noteGeneratedQueue(real);
    created.queues.add(real);
    const visible = requested === '' ? real : stripCrLf(q.name);
    last = result.queues.find((rq) => rq.real === real) ?? { declared: q.name, real, visible };
    if (!result.queues.includes(last)) result.queues.push(last);
  }
  return last;
}

async function declareBindings(setup: SetupChannel, ns: RunNames, definitions: Definitions, lastQueue: RunQueue | null, created: Created) {
  const bindings = definitions.bindings ?? [];
  for (let index = 0; index < bindings.length; index++) {
    const b = bindings[index];
    const at = { kind: 'binding' as const, index };
    const source = ns.exchangeToBind(b.source);
    let key = b.routing_key ?? '';
    const args = withRunNames(b.arguments, ns) ?? {};
    if ((b.destination_type ?? 'queue') === 'exchange') {
      const destination = ns.exchangeToBind(b.destination);
      created.link(source, destination);
      created.exchangeBindings.push({ destination, source, key, args });
      await setup.attempt(at, (ch) => ch.bindExchange(destination, source, key, args));
      continue;
    }
    let destination: string;
    if (stripCrLf(b.destination) === '') {
      // queue.bind shortcut: "" is the channel's most recently declared queue,
      // and a "" key becomes that queue's name (expand_shortcuts, §10). Resolved
      // here: a pooled channel must never reveal a queue of an earlier run.
      if (!lastQueue) {
        setup.refuseLocally(localRefusal(404, 'no previously declared queue'), at);
        continue;
      }
      destination = lastQueue.real;
      if (key === '') key = lastQueue.visible;
    } else {
      destination = ns.queueToBind(b.destination);
    }
    await setup.attempt(at, (ch) => ch.bindQueue(destination, source, key, args));
  }
}

/**
 * The default exchange "" routes every routing key (and CC/BCC key) to the
 * queue of that name (§4); on a shared broker it would look up un-prefixed
 * names. A private direct exchange with one binding per queue, key = the
 * queue's name, does exactly the same: a key per queue, each queue once,
 * unknown names unroutable, no alternate exchange, no exchange bindings.
 */
async function declareDefaultStandIn(ch: Channel, ns: RunNames, created: Created, result: SetupResult) {
  await ch.assertExchange(ns.defaultExchange, 'direct', { durable: false, autoDelete: false, internal: false, arguments: {} });
  created.exchanges.add(ns.defaultExchange);
  result.exchanges.set(ns.defaultExchange, { internal: false });
  for (const q of result.queues) await ch.bindQueue(q.real, ns.defaultExchange, q.visible, {});
}
