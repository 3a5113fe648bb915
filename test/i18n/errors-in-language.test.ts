// Every refusal answered in the asker's language (issue 27, point 2): the
// server sends the words of the catalogs (locales/*/errors.json) for the
// language the page asks in (?lang=, else Accept-Language), for the bodies it
// cannot read, the limits, the validation of /api/run and of the sandbox,
// the share links, an unknown endpoint, and a RabbitMQ it cannot reach.
import assert from 'node:assert/strict';
import request from 'supertest';
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { createApp } from '../../src/web/app.js';

const app = createApp({ broker: new EmbeddedBroker(), rateLimit: { perSecond: 1e9, burst: 1e9 } });

/** Words that only an English sentence holds (none is an AMQP term French courses keep). */
const ENGLISH =
  /\b(the|is|not|must|be|has|have|with|at most|too|large|entries|file|link|request|body|valid|characters?|unknown|field|required|empty|again|already|retrying)\b/i;

interface Case {
  what: string;
  send: (lang: 'en' | 'fr') => request.Test;
  status: number;
  en: RegExp;
  fr: RegExp;
}

const json = (path: string, body: string) => (lang: 'en' | 'fr') =>
  request(app).post(path).set('Content-Type', 'application/json').set('Accept-Language', lang).send(body);

const CASES: Case[] = [
  {
    what: 'a body that is not JSON',
    send: json('/api/run', '{"definitions": }'),
    status: 400,
    en: /^the request body is not valid JSON \(unexpected “}”\)$/,
    fr: /^le corps de la requête n’est pas du JSON valide \(« } » inattendu\)$/,
  },
  {
    what: 'a body over the limit (413)',
    send: json('/api/run', JSON.stringify({ name: 'x'.repeat(2_000_000) })),
    status: 413,
    en: /^the request body is larger than 1,048,576 bytes$/,
    fr: /^le corps de la requête dépasse 1\u202f048\u202f576 octets$/,
  },
  {
    what: 'a field of the wrong type',
    send: json('/api/run', JSON.stringify({ definitions: { queues: [{ name: 3 }] } })),
    status: 400,
    en: /^definitions\.queues\[0\]\.name: must be a string, not the number 3$/,
    fr: /^definitions\.queues\[0\]\.name : il faut une chaîne, pas le nombre 3$/,
  },
  {
    what: 'a list over the limits',
    send: json('/api/run', JSON.stringify({ messages: Array.from({ length: 101 }, () => ({ exchange: '' })) })),
    status: 400,
    en: /^messages: has 101 entries: at most 100 messages per run$/,
    fr: /^messages : 101 entrées : une exécution accepte au plus 100 messages$/,
  },
  {
    what: 'a header that cannot travel in an AMQP table',
    send: json('/api/run', JSON.stringify({ messages: [{ exchange: '', properties: { headers: { '!': 'x' } } }] })),
    status: 400,
    en: /a "!" key is not allowed/,
    fr: /la clé « ! » n’est pas permise/,
  },
  {
    what: 'a sandbox import that is not a definitions file',
    send: (lang) => request(app).post('/api/sandbox/import').set('Content-Type', 'text/plain').set('Accept-Language', lang).send('[1, 2]'),
    status: 400,
    en: /^the definitions file must be a JSON object/,
    fr: /^le fichier de définitions doit être un objet JSON/,
  },
  {
    what: 'a sandbox entry of the wrong kind',
    send: json('/api/sandbox/export', JSON.stringify({ topology: { exchanges: [{ name: 'logs', type: 'fanout', durable: 'yes' }] } })),
    status: 400,
    en: /^topology\.exchanges\[0\]\.durable must be true or false, not the string "yes"$/,
    fr: /^topology\.exchanges\[0\]\.durable : il faut true ou false, pas la chaîne "yes"$/,
  },
  {
    what: 'a damaged share link',
    send: json('/api/sandbox/link/open', JSON.stringify({ link: '2.abc' })),
    status: 400,
    en: /^this share link is damaged or incomplete \(it does not start with "1\."\)$/,
    fr: /^ce lien de partage est abîmé ou incomplet \(il ne commence pas par « 1\. »\)$/,
  },
  {
    what: 'an unknown scenario step',
    send: (lang) => request(app).get(`/scenarios/topic?step=99&lang=${lang}`),
    status: 400,
    en: /^step: must be a whole number from 0 to \d+$/,
    fr: /^step : un nombre entier de 0 à \d+$/,
  },
  {
    what: 'an unknown scenario',
    send: (lang) => request(app).get('/api/scenarios/nope').set('Accept-Language', lang),
    status: 404,
    en: /^no scenario named "nope"; see GET \/api\/scenarios$/,
    fr: /^aucun scénario ne s’appelle « nope » ; voir GET \/api\/scenarios$/,
  },
  {
    what: 'an unknown endpoint',
    send: (lang) => request(app).get(`/api/nothing-here?lang=${lang}`),
    status: 404,
    en: /^no such API endpoint$/,
    fr: /^cette adresse de l’API n’existe pas$/,
  },
];

describe('refusals in the asker’s language', () => {
  for (const c of CASES) {
    it(`${c.what}: in English and in French`, async () => {
      for (const lang of ['en', 'fr'] as const) {
        const res = await c.send(lang);
        assert.equal(res.status, c.status, `${lang}: ${JSON.stringify(res.body)}`);
        const message = String(res.body.error?.message);
        assert.match(message, c[lang]);
        if (lang === 'fr') assert.doesNotMatch(message, ENGLISH, `English left in: ${message}`);
      }
    });
  }

  it('RabbitMQ unreachable: the French sentence first, the socket’s own words as the detail', async () => {
    // A port nothing listens on: the connection never opens.
    const connection = new AmqpConnection('amqp://guest:guest@127.0.0.1:1', { reconnectDelayMs: 60_000 });
    await connection.start(500).catch(() => {});
    try {
      const down = createApp({ broker: new RabbitMqBroker(connection), connection, rateLimit: { perSecond: 1e9, burst: 1e9 } });
      const res = await request(down).post('/api/run').set('Accept-Language', 'fr').send({});
      assert.equal(res.status, 503);
      assert.match(
        res.body.error.message,
        /^RabbitMQ est injoignable pour le moment ; nouvelle tentative en cours\. \(Détail : RabbitMQ at .* is not reachable/,
      );
      const en = await request(down).post('/api/run?lang=en').send({});
      assert.match(en.body.error.message, /^RabbitMQ at .* is not reachable right now/);
    } finally {
      await connection.close();
    }
  });
});
