// Per queue, the kept messages the engine routed there that no delivery has
// taken yet, oldest first: a delivery from a queue is matched to the oldest
// of them with its exchange and routing key (queues are FIFO). A list per
// queue makes that the head of a list, not a scan of every kept message.
// Requeued messages go back in order (they return to the head of their
// queue); messages older than the kept window fall off the head.

interface Routed {
  id: number;
  exchange: string;
  routingKey: string;
}

export class Untaken<M extends Routed> {
  private readonly lists = new Map<string, M[]>();

  constructor(
    /** Messages with an id at or below this are no longer kept. */
    private readonly oldestKept: () => number,
  ) {}

  /** A message routed to `queue`. */
  add(queue: string, message: M): void {
    let list = this.lists.get(queue);
    if (!list) this.lists.set(queue, (list = []));
    list.push(message);
  }

  /** The oldest untaken message of `queue` with that exchange and key, taken now; undefined if none. */
  take(queue: string, exchange: string, routingKey: string): M | undefined {
    const list = this.lists.get(queue);
    if (!list) return undefined;
    const oldest = this.oldestKept();
    let dropped = 0;
    while (dropped < list.length && list[dropped].id <= oldest) dropped++;
    if (dropped > 0) list.splice(0, dropped);
    const at = list.findIndex((m) => m.exchange === exchange && m.routingKey === routingKey);
    if (at < 0) return undefined;
    return list.splice(at, 1)[0];
  }

  /** A taken message is back in `queue` (nack or reject with requeue, its channel closed). */
  putBack(queue: string, message: M): void {
    if (message.id <= this.oldestKept()) return;
    let list = this.lists.get(queue);
    if (!list) this.lists.set(queue, (list = []));
    let at = 0;
    while (at < list.length && list[at].id < message.id) at++;
    if (list[at] !== message) list.splice(at, 0, message);
  }

  /** The queue was purged or deleted: nothing of it is left to take. */
  clear(queue: string): void {
    this.lists.delete(queue);
  }
}
