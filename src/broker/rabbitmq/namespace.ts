// The names a run uses on RabbitMQ. Two ways to isolate runs that share a
// broker: a vhost of their own per run, where every name is the user's own
// (ExactNames, exact-names.ts), or — on single-vhost hosted plans, which
// cannot create vhosts — a random, unguessable prefix under which every
// exchange and queue the run declares lives (Namespace, here). Users only
// ever see the names they declared: the table kept here translates the
// broker's messages back.
import { createHash, randomBytes } from 'node:crypto';

/** How a run's declared names become names on the broker (and back). */
export interface RunNames {
  /** false: names are the user's own (a vhost per run); true: prefixed, with private copies of amq.* and a stand-in for "". */
  readonly prefixed: boolean;
  /** What a publish to "" goes to: "" itself, or the run's stand-in. */
  readonly defaultExchange: string;
  own(name: string): string;
  exchangeToDeclare(name: string, isPredeclared: (name: string) => boolean): string;
  exchangeToBind(name: string): string;
  exchangeToPublish(name: string): string;
  alternateExchange(name: string): string;
  deadLetterExchange(name: string): string;
  queueToDeclare(name: string): string;
  noteGeneratedQueue(realName: string): void;
  queueInHeader(name: string): string;
  queueToBind(name: string): string;
  declaredName(real: string): string;
  translate(text: string): string;
}

/** A name or key is an AMQP shortstr: at most 255 bytes. */
const MAX_NAME_BYTES = 255;

/**
 * RabbitMQ strips CR and LF from exchange and queue names on declare, delete
 * and bind (strip_cr_lf/1, docs/semantics.md §9) — but not on publish, nor inside
 * argument values, where names are looked up exactly as sent.
 */
export function stripCrLf(name: string): string {
  return name.replace(/[\r\n]/g, '');
}

export class Namespace implements RunNames {
  readonly prefixed = true;
  /** "xtp.<16 base64url chars>." — 12 random bytes, never reused. */
  readonly prefix: string;
  /** The private stand-in for the default exchange "" (a direct exchange, see default-exchange.ts). */
  readonly defaultExchange: string;
  private readonly declaredNameOf = new Map<string, string>();
  private readonly generatedQueues = new Set<string>();
  private readonly hashPrefix: string;

  constructor(id: string = randomBytes(12).toString('base64url')) {
    this.prefix = `xtp.${id}.`;
    // ':' and '#' right after the id: no user name can map there, since every
    // user name maps to prefix + name (the prefix ends with '.').
    this.defaultExchange = `xtp.${id}:default`;
    this.hashPrefix = `xtp.${id}#`;
    this.declaredNameOf.set(this.defaultExchange, '');
  }

  /** The run's own name for `name`: prefix + name, or a hash when that exceeds 255 bytes. */
  own(name: string): string {
    let real = this.prefix + name;
    if (Buffer.byteLength(real) > MAX_NAME_BYTES) {
      real = this.hashPrefix + createHash('sha256').update(name).digest('base64url');
    }
    this.declaredNameOf.set(real, name);
    return real;
  }

  // --- exchanges ----------------------------------------------------------

  /**
   * exchange.declare. "" and new names starting with "amq." go to the broker
   * unprefixed so that it refuses them itself (403; it never creates them).
   * The predeclared amq.* names map to this run's private copies.
   */
  exchangeToDeclare(name: string, isPredeclared: (name: string) => boolean): string {
    const n = stripCrLf(name);
    if (n === '') return '';
    if (n.startsWith('amq.') && !isPredeclared(n)) return n;
    return this.own(n);
  }

  /** Source or destination of a binding: "" stays "" (the broker answers 403). */
  exchangeToBind(name: string): string {
    const n = stripCrLf(name);
    return n === '' ? '' : this.own(n);
  }

  /** basic.publish looks the name up exactly as sent (§1.4); "" is the default exchange. */
  exchangeToPublish(name: string): string {
    return name === '' ? this.defaultExchange : this.own(name);
  }

  /**
   * alternate-exchange argument. "" names the real default exchange, which
   * has no stored bindings, so as an AE it routes nowhere — the same as on a
   * broker of one's own (the queue-by-name rule applies only to publishes to
   * "", rabbit_exchange:route/2).
   */
  alternateExchange(name: string): string {
    return name === '' ? '' : this.own(name);
  }

  /** x-dead-letter-exchange: "" does route queue-by-name (§13), so it is the stand-in. */
  deadLetterExchange(name: string): string {
    return name === '' ? this.defaultExchange : this.own(name);
  }

  // --- queues -------------------------------------------------------------

  /**
   * queue.declare. "" asks the broker for a server-named queue (amq.gen-…,
   * random, so private anyway); names starting with "amq." go unprefixed so
   * the broker refuses them (403, checked before existence, §9).
   */
  queueToDeclare(name: string): string {
    const n = stripCrLf(name);
    if (n === '' || n.startsWith('amq.')) return n;
    return this.own(n);
  }

  /** Remember a server-generated queue name: it is this run's, and shown as is. */
  noteGeneratedQueue(realName: string): void {
    this.generatedQueues.add(realName);
    this.declaredNameOf.set(realName, realName);
  }

  /** A queue named inside a header (x-death): compared exactly, never stripped. */
  queueInHeader(name: string): string {
    return this.generatedQueues.has(name) ? name : this.own(name);
  }

  /** Destination queue of a binding (the "" shortcut is resolved by the caller). */
  queueToBind(name: string): string {
    const n = stripCrLf(name);
    return this.generatedQueues.has(n) ? n : this.own(n);
  }

  // --- back to the user's names -------------------------------------------

  /** The declared name behind a real one (or the real one if it is not ours). */
  declaredName(real: string): string {
    return this.declaredNameOf.get(real) ?? real;
  }

  /**
   * The broker's message with every real name replaced by the declared one,
   * e.g. "NOT_FOUND - no exchange 'xtp.Qm9….x' in vhost '/'" → "… 'x' …".
   */
  translate(text: string): string {
    if (!text.includes('xtp.')) return text;
    // Longest first: "prefix+ab" must not be read as "prefix+a" followed by "b".
    const entries = [...this.declaredNameOf].filter(([real]) => real.startsWith('xtp.')).sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [real, declared] of entries) out = out.split(real).join(declared);
    return out;
  }
}
