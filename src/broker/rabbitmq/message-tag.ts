// Which of the run's messages is this? Each message is published with a tag
// in an AMQP property that takes no part in routing and that the user left
// unset — never a header (headers exchanges see headers), never a change to
// the body (x-max-length-bytes counts it), priority or expiration.
import { randomBytes } from 'node:crypto';
import type { MessageProperties, MessageSpec } from '../../engine/types.js';

/** Candidate properties, as the run request spells them and as amqplib does. */
const TAG_PROPERTIES = [
  ['message_id', 'messageId'],
  ['correlation_id', 'correlationId'],
  ['app_id', 'appId'],
  ['type', 'type'],
  ['reply_to', 'replyTo'],
] as const;

type AmqpProperties = Record<string, unknown>;

export interface Tag {
  /** amqplib's name of the property that carries the tag. */
  property: string;
  value: string;
}

export class MessageTagger {
  private readonly token: string;
  private readonly tagPattern: RegExp;

  constructor(private readonly messages: MessageSpec[]) {
    // Random per run: a user's own property value cannot pass for a tag.
    this.token = `xtp-${randomBytes(9).toString('base64url')}`;
    this.tagPattern = new RegExp(`^${this.token}:(\\d+)$`);
  }

  /** The tag for message `index`, or null if the user set every candidate property. */
  tagFor(index: number): Tag | null {
    const props = this.messages[index]?.properties ?? {};
    for (const [requestName, amqpName] of TAG_PROPERTIES) {
      if (props[requestName] === undefined) return { property: amqpName, value: `${this.token}:${index}` };
    }
    return null;
  }

  /** The index of a message read back from the broker (delivered or returned). */
  identify(properties: AmqpProperties, content: Buffer): number | null {
    for (const [, amqpName] of TAG_PROPERTIES) {
      const value = properties[amqpName];
      if (typeof value !== 'string') continue;
      const match = this.tagPattern.exec(value);
      if (match) return Number(match[1]);
    }
    return this.identifyUntagged(properties, content);
  }

  /**
   * A message whose every candidate property is the user's: recognised by its
   * body and those properties; among identical ones, the first (a documented
   * limit — such messages are indistinguishable on the wire).
   */
  private identifyUntagged(properties: AmqpProperties, content: Buffer): number | null {
    for (let index = 0; index < this.messages.length; index++) {
      if (this.tagFor(index) !== null) continue;
      const m = this.messages[index];
      const props: MessageProperties = m.properties ?? {};
      if (!content.equals(Buffer.from(m.payload ?? '', 'utf8'))) continue;
      if (TAG_PROPERTIES.every(([requestName, amqpName]) => props[requestName] === properties[amqpName])) return index;
    }
    return null;
  }
}
