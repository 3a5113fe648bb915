// A run in a vhost of its own (run-vhosts.ts) keeps every name exactly as
// declared: the broker refuses, strips CR/LF and writes its dead-letter
// headers (x-death, x-first-death-queue…) itself, with the user's names, and
// "" and amq.* are the vhost's real ones. Only the vhost's name is
// translated, to "/", as a broker of one's own would say it.
import type { RunNames } from './namespace.js';

export class ExactNames implements RunNames {
  constructor(private readonly vhost: string) {}

  readonly prefixed = false;
  readonly defaultExchange = '';
  own = (name: string) => name;
  exchangeToDeclare = (name: string) => name;
  exchangeToBind = (name: string) => name;
  exchangeToPublish = (name: string) => name;
  alternateExchange = (name: string) => name;
  deadLetterExchange = (name: string) => name;
  queueToDeclare = (name: string) => name;
  noteGeneratedQueue(): void {}
  queueInHeader = (name: string) => name;
  queueToBind = (name: string) => name;
  declaredName = (real: string) => real;
  /** "NOT_FOUND - no queue 'q' in vhost 'xtp-run-…'" → "… in vhost '/'". */
  translate = (text: string) => text.split(`'${this.vhost}'`).join("'/'");
}
