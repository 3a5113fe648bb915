// Who may be whom. A name N is reserved by the queue "chat.N" (durable,
// x-expires) while it is in use: someone reads it, it holds messages, or N
// was used within the hour (the lease chat-lease.N holds a marker; naming.ts).
// While reserved, only a browser holding N's token, or the code N's page
// shows (claim-code.ts), may take N (409 otherwise). The server remembers
// nothing — the broker holds the reservation, the browser holds the token —
// so any server process of the same RabbitMQ answers alike.
import { randomUUID } from 'node:crypto';
import { ChatError } from './chat-error.js';
import type { ClaimCodes } from './claim-code.js';
import type { ChatService } from './chat-service.js';
import { inboxOf, leaseOf, personKey, presenceKey, roomKey } from './naming.js';
import type { ClaimRequest } from './requests.js';
import type { TokenClaims, TokenSigner } from './token.js';

export interface Participant {
  name: string;
  room: string;
  /** The queue the participant reads: chat.<name>, or a queue they chose. */
  inbox: string;
}

export async function claimParticipant(
  service: ChatService,
  signer: TokenSigner,
  codes: ClaimCodes,
  request: ClaimRequest,
): Promise<{ participant: Participant; token: string; previous: TokenClaims | null }> {
  const { name, room } = request;
  const inbox = request.inbox ?? inboxOf(name);
  const held = signer.verify(request.token);
  const owner = held !== null && held.name === name ? held : null;
  if (!owner && !(request.code && codes.verify(name, request.code))) {
    if (await nameInUse(service, signer, request)) throw new ChatError(409, 'chat.error.name-taken', 'name', { name });
    // A chosen inbox is a plain, shared queue (the report's task_queue1): it
    // may be taken by anyone, but not while someone is reading it.
    if (request.inbox && (await service.inspectQueue(inbox)).consumers > 0) {
      throw new ChatError(409, 'chat.error.inbox-busy', 'inbox', { inbox });
    }
  }
  const participant = { name, room, inbox };
  await prepareInbox(service, participant);
  // Moved to another room or inbox since last time: stop the old routes.
  if (owner && (owner.room !== room || owner.inbox !== inbox)) {
    await service.unbind(owner.inbox, roomKey(owner.room)).catch(() => {});
    await service.unbind(owner.inbox, presenceKey(owner.room)).catch(() => {});
    if (owner.inbox !== inbox) await service.unbind(owner.inbox, personKey(name)).catch(() => {});
  }
  return { participant, token: signer.sign(participant), previous: owner };
}

/**
 * Is N someone else's right now? Its inbox exists and someone reads it, or
 * it holds messages, or N was used within the hour. An inbox that is empty,
 * unread and an hour idle is free again (it stays, empty, and is reused).
 * Messages waiting keep the name for their owner: a browser that held N
 * (its token expired with the lease) may come back to read them.
 */
async function nameInUse(service: ChatService, signer: TokenSigner, request: ClaimRequest): Promise<boolean> {
  const inbox = await service.inspectQueue(inboxOf(request.name));
  if (!inbox.exists) return false;
  if (inbox.consumers > 0) return true;
  const lease = await service.inspectQueue(leaseOf(request.name));
  if (lease.messages > 0) return true;
  if (inbox.messages === 0) return false;
  return signer.genuine(request.token)?.name !== request.name;
}

/** Marks N as used now (the lease's newest marker; the older one is dropped). */
export async function touchLease(service: ChatService, name: string): Promise<void> {
  const lease = leaseOf(name);
  await service.declareQueue(lease, 'lease');
  await service.publish({ id: randomUUID(), from: name, text: 'used', exchange: '', routingKey: lease, replyTo: inboxOf(name) });
}

/**
 * Declares (or renews) what a participant needs: the reservation chat.<name>,
 * its lease, the inbox, and its bindings user.<name>, room.<room> and
 * presence.<room> on the chat exchange. Idempotent: it runs again whenever a
 * consumer is re-established (after a broker restart the queue is there —
 * durable — but this costs little and also repairs a queue deleted meanwhile).
 */
export async function prepareInbox(service: ChatService, participant: Participant): Promise<void> {
  const reservation = inboxOf(participant.name);
  await service.declareQueue(reservation, 'inbox');
  await touchLease(service, participant.name);
  if (participant.inbox !== reservation) {
    // Used as it is when it exists (whoever declared it, however); else
    // declared as the report's program declares it, so that either side may
    // start first.
    const info = await service.inspectQueue(participant.inbox);
    if (!info.exists) await service.declareQueue(participant.inbox, 'plain');
  }
  await service.bind(participant.inbox, personKey(participant.name));
  await service.bind(participant.inbox, roomKey(participant.room));
  await service.bind(participant.inbox, presenceKey(participant.room));
}
