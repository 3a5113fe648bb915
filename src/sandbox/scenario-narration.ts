// The narration of a scenario step saved from the sandbox, in both languages
// a scenario file must carry: what was published, where it went. A teacher
// can rewrite it afterwards; this is a correct first draft.
import type { Localized } from '../scenarios/schema.js';
import type { SandboxMessage } from './topology-schema.js';

export interface StepFacts {
  message: SandboxMessage;
  queues: string[];
  returned: boolean;
}

const list = (names: string[]) => names.join(', ');

function published(m: SandboxMessage, lang: 'en' | 'fr'): string {
  const where = m.exchange === '' ? (lang === 'en' ? 'the default exchange' : 'l’échange par défaut') : `"${m.exchange}"`;
  const headers = Object.keys(m.properties.headers).length > 0 ? ` ${JSON.stringify(m.properties.headers)}` : '';
  return lang === 'en'
    ? `Published to ${where} with routing key "${m.routing_key}"${headers ? ` and headers${headers}` : ''}`
    : `Publié sur ${where} avec la clé de routage « ${m.routing_key} »${headers ? ` et les en-têtes${headers}` : ''}`;
}

export function narrate(facts: StepFacts): Localized {
  const { message, queues, returned } = facts;
  const en =
    queues.length > 0
      ? `delivered to ${list(queues)}.`
      : returned
        ? 'no queue receives it, so it is returned to the publisher (mandatory).'
        : 'no queue receives it: it is discarded.';
  const fr =
    queues.length > 0
      ? `livré à ${list(queues)}.`
      : returned
        ? 'aucune file ne le reçoit, il est donc renvoyé à l’éditeur (mandatory).'
        : 'aucune file ne le reçoit : il est jeté.';
  return { en: `${published(message, 'en')}: ${en}`, fr: `${published(message, 'fr')} : ${fr}` };
}
