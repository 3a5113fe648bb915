// The real-RabbitMQ broker: runs a request in a vhost of its own where the
// broker lets the app create vhosts (rabbitmq/run-vhosts.ts: every name
// exact), else on the server's one AMQP connection under a name prefix of its
// own (rabbitmq/namespace.ts), and answers the conformance outcome with the
// broker's facts — beside the engine's prediction and its traces.
import type { Broker, BrokerStatus } from './broker.js';
import { type AmqpConnection, BrokerUnavailableError } from './amqp-connection.js';
import { run } from '../engine/run.js';
import type { RunOptions, RunOutcome, RunRequest } from '../engine/types.js';
import { ChannelPool } from './rabbitmq/channel-pool.js';
import { deleteCreated } from './rabbitmq/cleanup.js';
import { drainQueues, waitUntilStable } from './rabbitmq/drain.js';
import { MessageTagger } from './rabbitmq/message-tag.js';
import { ExactNames } from './rabbitmq/exact-names.js';
import { Namespace, type RunNames } from './rabbitmq/namespace.js';
import type { RunVhost, RunVhosts } from './rabbitmq/run-vhosts.js';
import { predictionMismatches } from './rabbitmq/prediction.js';
import { publishMessages } from './rabbitmq/publish.js';
import { Created } from './rabbitmq/created.js';
import { declareTopology, mentionedNames } from './rabbitmq/setup.js';

/** What the engine predicts for a request (null: no prediction available). */
export type Predictor = (request: RunRequest, options: RunOptions) => RunOutcome | null | Promise<RunOutcome | null>;

export interface RabbitMqBrokerOptions {
  predict?: Predictor;
  /** A vhost per run (started: the broker lets the app create vhosts); absent, runs are isolated by a name prefix. */
  vhosts?: RunVhosts | null;
}

/** The engine's outcome for the same request (a copy: the broker run reads it meanwhile), with its traces. */
const enginePrediction: Predictor = (request, options) => run(structuredClone(request), options);

export class RabbitMqBroker implements Broker {
  readonly kind = 'rabbitmq' as const;
  private readonly pool: ChannelPool;
  private readonly predict: Predictor;
  private readonly vhosts: RunVhosts | null;
  /** Names a run could not delete because the connection went away; deleted after reconnecting. */
  private readonly leftovers = new Created();

  constructor(
    readonly connection: AmqpConnection,
    options: RabbitMqBrokerOptions = {},
  ) {
    this.pool = new ChannelPool(connection);
    this.predict = options.predict ?? enginePrediction;
    this.vhosts = options.vhosts ?? null;
    connection.on('connected', () => {
      deleteCreated(this.pool, this.leftovers).catch(() => {});
    });
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<RunOutcome> {
    this.connection.current(); // BrokerUnavailableError (→ 503) when the broker is away
    const [facts, predicted] = await Promise.all([
      this.connection.bounded(() => this.runOnBroker(request, options)),
      this.predictSafely(request, options),
    ]);
    if (predicted instanceof Error)
      return { ...facts, prediction_mismatch: [`the engine failed to predict this run: ${predicted.message}`] };
    if (!predicted) return { ...facts, prediction_mismatch: null };
    return { ...facts, traces: predicted.traces, prediction_mismatch: predictionMismatches(facts, predicted) };
  }

  /** An engine failure is shown as a mismatch; it must not hide the broker's facts. */
  private async predictSafely(request: RunRequest, options: RunOptions): Promise<RunOutcome | null | Error> {
    try {
      return await this.predict(request, options);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  status(): BrokerStatus {
    const state = this.connection.state;
    return { kind: 'rabbitmq', connected: state === 'connected', state, url: this.connection.redactedUrl };
  }

  async close(): Promise<void> {
    await this.vhosts?.close();
    await this.connection.close();
  }

  private async runOnBroker(request: RunRequest, options: RunOptions): Promise<RunOutcome> {
    const vhost = this.vhosts ? await this.vhosts.take() : null;
    const pool = vhost?.pool ?? this.pool;
    const ns: RunNames = vhost ? new ExactNames(vhost.name) : new Namespace();
    const created = new Created();
    const definitions = request.definitions ?? {};
    const messages = request.messages ?? [];
    const queueDefs = definitions.queues ?? [];
    try {
      const setup = await declareTopology(
        pool,
        ns,
        definitions,
        {
          defaultExchange: messages.some((m) => m.exchange === '') || queueDefs.some((q) => q.arguments?.['x-dead-letter-exchange'] === ''),
        },
        mentionedNames(
          definitions,
          messages.map((m) => m.exchange),
        ),
        created,
        options.onRefusal ?? 'stop',
      );
      if (setup.error) return { setup_error: setup.error, setup_error_at: setup.errorAt };

      const tagger = new MessageTagger(messages);
      const canDeadLetter = queueDefs.some((q) => hasArgument(q.arguments, 'x-dead-letter-exchange'));
      const published = await publishMessages(messages, {
        pool,
        ns,
        tagger,
        exchanges: setup.exchanges,
        oneByOne: canDeadLetter || queueDefs.some((q) => hasArgument(q.arguments, 'x-expires')),
      });
      if (canDeadLetter) await waitUntilStable(pool, setup.queues);
      const queues = await drainQueues(pool, setup.queues, tagger);
      return {
        setup_error: null,
        ...(options.onRefusal === 'skip' && { refusals: setup.refusals }),
        queues,
        returned: [...published.returned].sort((a, b) => a - b),
        publish_errors: Object.fromEntries([...published.errors].sort((a, b) => a[0] - b[0]).map(([i, code]) => [String(i), code])),
      };
    } catch (err) {
      if (!this.connection.connected || (vhost && !vhost.connection.connected)) {
        throw new BrokerUnavailableError(`lost the connection to RabbitMQ during the run (${(err as Error).message}); retrying`);
      }
      throw err;
    } finally {
      if (vhost) void this.emptyForNextRun(vhost, created);
      else await this.cleanUp(created);
    }
  }

  /** After the answer: what the run made goes, and the vhost serves the next run (deleted whole if that fails). */
  private async emptyForNextRun(vhost: RunVhost, created: Created): Promise<void> {
    try {
      await deleteCreated(vhost.pool, created);
      this.vhosts!.giveBack(vhost);
    } catch {
      this.vhosts!.discard(vhost);
    }
  }

  private async cleanUp(created: Created): Promise<void> {
    try {
      await deleteCreated(this.pool, created);
    } catch {
      // Connection lost: keep the names and delete them once reconnected
      // (queues also expire by themselves, declare-arguments.ts).
      this.leftovers.absorb(created);
    }
  }
}

function hasArgument(args: Record<string, unknown> | undefined, name: string): boolean {
  return args !== undefined && Object.hasOwn(args, name);
}
