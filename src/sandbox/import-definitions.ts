// Import: a RabbitMQ definitions file (text) → the sandbox's topology, plus
// notices saying what was left out and why. Accepts both forms RabbitMQ
// writes: `rabbitmqctl export_definitions` (every entry has a "vhost"; with
// several vhosts the caller picks one) and the management UI's per-vhost
// export (no "vhost" fields). A bad file is refused with the faulty entry
// named (SandboxInputError → 400).
import { PREDECLARED_EXCHANGES } from '../amqp/predeclared.js';
import { isExchangeType } from '../amqp/exchange-types.js';
import { definitionsFile, IGNORED_KEYS, type DefinitionsFile } from './definitions-schema.js';
import { worded } from '../i18n/worded-error.js';
import { SandboxInputError } from './import-error.js';
import { describeIssue, shortJson } from '../util/issue-words.js';
import { parseJsonText } from './parse-json-text.js';
import { normalizeBinding, normalizeExchange, normalizeQueue, type Topology } from './topology-schema.js';

export type ImportNoticeKind =
  | 'ignored-keys'
  | 'vhost'
  | 'predeclared-exchanges'
  | 'unsupported-exchange-types'
  | 'server-named-queues'
  | 'default-exchange-bindings'
  | 'dangling-bindings'
  | 'empty';

export interface ImportNotice {
  kind: ImportNoticeKind;
  /** In English, for API users; the page words it in the reader's language from kind + items. */
  message: string;
  items: string[];
}

export interface VhostSummary {
  name: string;
  exchanges: number;
  queues: number;
  bindings: number;
}

export interface ImportResult {
  /** The vhosts the file describes (empty for a per-vhost export without "vhost" fields). */
  vhosts: VhostSummary[];
  /** The vhost imported; null when the file has none or a choice is needed. */
  vhost: string | null;
  /** null: the file holds several vhosts, ask again with one of `vhosts`. */
  topology: Topology | null;
  notices: ImportNotice[];
}

/** The four types RabbitMQ has without plugins; others (x-delayed-message…) cannot be simulated. */

export function importDefinitions(text: string, options: { vhost?: string } = {}): ImportResult {
  return importDefinitionsValue(parseJsonText(text, 'error.what.definitions'), options);
}

export function importDefinitionsValue(raw: unknown, options: { vhost?: string } = {}): ImportResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SandboxInputError(worded('error.import.not-object'));
  }
  const known = new Set(['exchanges', 'queues', 'bindings', ...IGNORED_KEYS]);
  const unknown = Object.keys(raw).find((k) => !known.has(k));
  if (unknown !== undefined) {
    throw new SandboxInputError(worded('error.import.unknown-key', { key: shortJson(unknown), ignored: IGNORED_KEYS.join(', ') }), unknown);
  }
  const parsed = definitionsFile.safeParse(raw);
  if (!parsed.success) {
    const { wording, path, limit } = describeIssue(raw, parsed.error.issues[0]);
    throw new SandboxInputError(wording, path, limit);
  }
  const file = parsed.data;
  const notices: ImportNotice[] = [];
  const ignored = IGNORED_KEYS.filter((k) => isNonEmpty((raw as Record<string, unknown>)[k]));
  if (ignored.length > 0) {
    notices.push({
      kind: 'ignored-keys',
      message: `Ignored (they do not take part in routing): ${ignored.join(', ')}.`,
      items: ignored,
    });
  }

  const vhosts = summarizeVhosts(file);
  let vhost: string | null = null;
  if (vhosts.length > 0) {
    if (options.vhost !== undefined) {
      if (!vhosts.some((v) => v.name === options.vhost)) {
        throw new SandboxInputError(
          worded('error.import.no-vhost', { vhost: shortJson(options.vhost), vhosts: vhosts.map((v) => shortJson(v.name)).join(', ') }),
          'vhost',
        );
      }
      vhost = options.vhost;
    } else if (vhosts.length === 1) {
      vhost = vhosts[0].name;
    } else {
      return { vhosts, vhost: null, topology: null, notices };
    }
    notices.push({
      kind: 'vhost',
      message: `Imported vhost ${shortJson(vhost)}${vhosts.length > 1 ? ` (the file has ${vhosts.length})` : ''}.`,
      items: [vhost],
    });
  }

  const inVhost = <T extends { vhost?: string | undefined }>(list: T[] | undefined) =>
    (list ?? []).filter((entry) => vhost === null || entry.vhost === vhost);
  const topology = buildTopology(inVhost(file.exchanges), inVhost(file.queues), inVhost(file.bindings), notices);
  if (topology.exchanges.length + topology.queues.length + topology.bindings.length === 0) {
    notices.push({ kind: 'empty', message: 'The file declares no exchange, queue or binding to import.', items: [] });
  }
  return { vhosts, vhost, topology, notices };
}

function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Either every entry names its vhost (rabbitmqctl's export) or none does (a per-vhost export). */
function summarizeVhosts(file: DefinitionsFile): VhostSummary[] {
  const lists = { exchanges: file.exchanges ?? [], queues: file.queues ?? [], bindings: file.bindings ?? [] };
  const all = Object.entries(lists).flatMap(([list, entries]) => entries.map((entry, index) => ({ list, index, vhost: entry.vhost })));
  const withVhost = all.filter((e) => e.vhost !== undefined);
  if (withVhost.length === 0) return [];
  const lacking = all.find((e) => e.vhost === undefined);
  if (lacking) {
    throw new SandboxInputError(
      worded('error.import.vhost-missing', { entry: `${lacking.list}[${lacking.index}]` }),
      `${lacking.list}[${lacking.index}].vhost`,
    );
  }
  const byName = new Map<string, VhostSummary>();
  for (const e of withVhost) {
    const summary = byName.get(e.vhost!) ?? { name: e.vhost!, exchanges: 0, queues: 0, bindings: 0 };
    summary[e.list as 'exchanges' | 'queues' | 'bindings']++;
    byName.set(e.vhost!, summary);
  }
  return [...byName.values()];
}

function buildTopology(
  exchanges: NonNullable<DefinitionsFile['exchanges']>,
  queues: NonNullable<DefinitionsFile['queues']>,
  bindings: NonNullable<DefinitionsFile['bindings']>,
  notices: ImportNotice[],
): Topology {
  const topology: Topology = { exchanges: [], queues: [], bindings: [] };
  const predeclared: string[] = [];
  const unsupported: string[] = [];
  const serverNamed: string[] = [];
  const exchangeAt = new Map<string, number>();
  const queueAt = new Map<string, number>();

  exchanges.forEach((x, i) => {
    // "" and amq.* exist in every vhost already (docs/semantics.md §9); declaring them would be refused.
    if (x.name === '' || x.name.startsWith('amq.')) return void predeclared.push(x.name);
    if (!isExchangeType(x.type)) return void unsupported.push(`${x.name} (${x.type})`);
    const seen = exchangeAt.get(x.name);
    if (seen !== undefined) throw duplicate('exchanges', i, seen, x.name);
    exchangeAt.set(x.name, i);
    topology.exchanges.push(normalizeExchange(x));
  });
  queues.forEach((q, i) => {
    // amq.* queue names are server-generated (amq.gen-…): a client may not declare them (§9).
    if (q.name === '' || q.name.startsWith('amq.')) return void serverNamed.push(q.name);
    const seen = queueAt.get(q.name);
    if (seen !== undefined) throw duplicate('queues', i, seen, q.name);
    queueAt.set(q.name, i);
    const queue = normalizeQueue(q);
    // Newer exports say the queue type in "type"; the broker reads it from x-queue-type.
    if (q.type !== undefined && q.type !== 'classic' && !Object.hasOwn(queue.arguments, 'x-queue-type')) {
      queue.arguments = { ...queue.arguments, 'x-queue-type': q.type };
    }
    topology.queues.push(queue);
  });

  const exchangeExists = (name: string) => exchangeAt.has(name) || PREDECLARED_EXCHANGES.has(name);
  const defaultBindings: string[] = [];
  const dangling: string[] = [];
  for (const b of bindings) {
    const label = `${b.source} → ${b.destination}${b.routing_key ? ` (${b.routing_key})` : ''}`;
    // The default exchange's bindings are implicit (one per queue), never declared (§4).
    if (b.source === '') {
      defaultBindings.push(label);
      continue;
    }
    const destinationExists = (b.destination_type ?? 'queue') === 'queue' ? queueAt.has(b.destination) : exchangeExists(b.destination);
    // RabbitMQ 3.10 leaves internal exchanges out of its exports, but not the bindings that use them.
    if (!exchangeExists(b.source) || !destinationExists) {
      dangling.push(label);
      continue;
    }
    topology.bindings.push(normalizeBinding(b));
  }

  const note = (kind: ImportNoticeKind, items: string[], message: string) => {
    if (items.length > 0) notices.push({ kind, message: `${message}: ${items.map((n) => shortJson(n)).join(', ')}.`, items });
  };
  note('predeclared-exchanges', predeclared, 'Skipped, as every vhost has them already');
  note('unsupported-exchange-types', unsupported, 'Skipped, a plugin exchange type the sandbox cannot simulate');
  note('server-named-queues', serverNamed, 'Skipped, server-named queues (amq.*) cannot be declared by a client');
  note('default-exchange-bindings', defaultBindings, "Skipped, the default exchange's bindings are implicit");
  note('dangling-bindings', dangling, 'Skipped, bindings to an exchange or queue the file does not declare');
  return topology;
}

function duplicate(list: string, index: number, first: number, name: string): SandboxInputError {
  return new SandboxInputError(
    worded('error.import.duplicate', { entry: `${list}[${index}]`, name: shortJson(name), first: `${list}[${first}]` }),
    `${list}[${index}].name`,
  );
}
