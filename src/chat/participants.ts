// Who may be whom. A name N is reserved by the queue "chat.N" (durable,
// x-expires): while it exists, only the browser holding N's token may take N
// (409 otherwise). The server remembers nothing — the broker holds the
// reservation, the browser holds the token — so any server process of the
// same RabbitMQ answers alike.
import { ChatError } from './chat-error.js';
import type { ChatService } from './chat-service.js';
import { inboxOf, personKey, roomKey } from './naming.js';
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
  request: ClaimRequest,
): Promise<{ participant: Participant; token: string; previous: TokenClaims | null }> {
  const { name, room } = request;
  const inbox = request.inbox ?? inboxOf(name);
  const held = signer.verify(request.token);
  const owner = held !== null && held.name === name ? held : null;
  if (!owner) {
    if ((await service.inspectQueue(inboxOf(name))).exists) throw new ChatError(409, 'chat.error.name-taken', 'name', { name });
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
    if (owner.inbox !== inbox) await service.unbind(owner.inbox, personKey(name)).catch(() => {});
  }
  return { participant, token: signer.sign(participant), previous: owner };
}

/**
 * Declares (or renews) what a participant needs: the reservation chat.<name>,
 * the inbox, and its bindings user.<name> and room.<room> on the chat
 * exchange. Idempotent: it runs again whenever a consumer is re-established
 * (after a broker restart the queue is there — durable — but this costs
 * little and also repairs a queue deleted meanwhile).
 */
export async function prepareInbox(service: ChatService, participant: Participant): Promise<void> {
  const reservation = inboxOf(participant.name);
  await service.declareQueue(reservation, { expires: true });
  if (participant.inbox !== reservation) {
    // Declared plain if missing (what queue_declare(durable=True) makes);
    // used as it is if an outside program declared it first.
    const info = await service.inspectQueue(participant.inbox);
    if (!info.exists) await service.declareQueue(participant.inbox, { expires: false });
  }
  await service.bind(participant.inbox, personKey(participant.name));
  await service.bind(participant.inbox, roomKey(participant.room));
}
