// The scenario pages and their JSON over real HTTP (supertest): the list,
// one scenario with its code, playing on the server's broker (both brokers),
// ?step and unknown ids answered with 400/404 naming the field, languages,
// and scenario text always escaped.
import assert from 'node:assert/strict';
import request from 'supertest';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { run } from '../../src/engine/run.js';
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { createApp } from '../../src/web/app.js';
import { embeddedServices } from '../helpers/listener.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

const scenarios = loadScenarios();

describe('scenario pages over HTTP', () => {
  let app: ReturnType<typeof createApp>;
  before(async () => {
    app = createApp(await embeddedServices());
  });

  it('lists every scenario on the home page, with the seven concepts', async () => {
    const res = await request(app).get('/').set('accept-language', 'en').expect(200);
    for (const s of scenarios) assert.match(res.text, new RegExp(`data-scenario="${s.id}"`));
    for (const c of ['producer', 'exchange', 'binding', 'queue', 'consumer', 'message', 'vhost']) {
      assert.match(res.text, new RegExp(`data-concept="${c}"`));
    }
    assert.match(res.text, /Virtual host/);
  });

  it('speaks French from ?lang=fr and from Accept-Language', async () => {
    const byQuery = await request(app).get('/?lang=fr').expect(200);
    assert.match(byQuery.text, /<html lang="fr">/);
    assert.match(byQuery.text, /Hôte virtuel/);
    const byHeader = await request(app).get('/scenarios/topic').set('accept-language', 'fr-FR,fr;q=0.9').expect(200);
    assert.match(byHeader.text, /Échange topic : les animaux/);
    const english = await request(app).get('/scenarios/topic?lang=en').set('accept-language', 'fr').expect(200);
    assert.match(english.text, /Topic exchange: the animals/);
  });

  it('serves a scenario page at the step asked for, with its amqplib and pika code', async () => {
    const res = await request(app).get('/scenarios/topic?step=3').expect(200);
    assert.match(res.text, /data-initial-step="3"/);
    assert.match(res.text, /<output data-step="3">3<\/output>/);
    assert.match(res.text, /channel\.bindQueue\(&#39;Q2&#39;, &#39;animals&#39;, &#39;lazy\.#&#39;\)/);
    assert.match(res.text, /channel\.queue_bind\(queue=&#39;Q1&#39;, exchange=&#39;animals&#39;, routing_key=&#39;\*\.orange\.\*&#39;\)/);
    // No inline script: CSP allows scripts from files only.
    assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.match(res.headers['content-security-policy'] ?? '', /script-src 'self'/);
  });

  it('writes the programs’ comments in the page’s language (the code stays the same)', async () => {
    const fr = (await request(app).get('/scenarios/topic?lang=fr').expect(200)).text;
    assert.match(fr, /\/\/ Échange topic : les animaux/);
    assert.match(fr, /# étape 1/);
    assert.match(fr, /Ce que contient chaque file maintenant\./);
    assert.doesNotMatch(fr, /What each queue holds|remove these lines|step 1\b/);
    const en = (await request(app).get('/scenarios/topic?lang=en').expect(200)).text;
    assert.match(en, /\/\/ step 1/);
    assert.doesNotMatch(en, /étape|Nettoyage/);
  });

  it('answers 400 naming "step" for a step that is not a number or past the end', async () => {
    for (const step of ['x', '-1', '11', '1.5']) {
      const res = await request(app).get(`/scenarios/topic?step=${step}`).expect(400);
      assert.equal(res.body.error.path, 'step');
      assert.match(res.body.error.message, /step: must be a whole number from 0 to 10/);
    }
    await request(app).get('/scenarios/topic?step=10').expect(200);
    await request(app).get('/scenarios/topic?step=0').expect(200);
  });

  it('answers an unknown scenario with a 404 page that shows the name as text', async () => {
    const res = await request(app).get('/scenarios/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E').expect(404);
    assert.doesNotMatch(res.text, /<img src=x/);
    assert.match(res.text, /&lt;img src=x onerror=alert\(1\)&gt;/);
    const api = await request(app).get('/api/scenarios/nope').expect(404);
    assert.deepEqual(api.body.error, { message: 'no scenario named "nope"; see GET /api/scenarios', path: 'id' });
    await request(app).get('/api/scenarios/nope/play').expect(404);
  });

  it('gives the list and each scenario as JSON', async () => {
    const list = await request(app).get('/api/scenarios').expect(200);
    assert.deepEqual(
      list.body.scenarios.map((s: { id: string }) => s.id),
      scenarios.map((s) => s.id),
    );
    const one = await request(app).get('/api/scenarios/headers').expect(200);
    assert.equal(one.body.scenario.id, 'headers');
    assert.equal(one.body.scenario.steps.length, 8);
    assert.match(one.body.code.python, /x-match/);
  });

  it('plays a routing scenario on the embedded broker, with a trace per step', async () => {
    const res = await request(app).get('/api/scenarios/topic/play').expect(200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.broker, 'embedded');
    assert.deepEqual(res.body.steps[4].hit, ['Q2']); // lazy.pink.rabbit: Q2, once
    assert.equal(res.body.steps[4].trace.routed_to.length, 1);
    assert.deepEqual(res.body.steps[9].hit, ['Q2']); // lazy: # matches zero words
  });

  describe('on RabbitMQ', () => {
    let connection: AmqpConnection;
    let rabbitApp: ReturnType<typeof createApp>;
    before(async function () {
      connection = await requireRabbit(this);
      rabbitApp = createApp({ broker: new RabbitMqBroker(connection, { predict: run }), connection });
    });

    it('shows RabbitMQ as the broker and plays on it, the engine agreeing', async () => {
      const page = await request(rabbitApp).get('/scenarios/headers').expect(200);
      assert.match(page.text, /data-broker="rabbitmq"/);
      const res = await request(rabbitApp).get('/api/scenarios/headers/play').expect(200);
      assert.equal(res.body.broker, 'rabbitmq');
      assert.deepEqual(
        res.body.steps.map((s: { hit: string[] }) => [...s.hit].sort()),
        [['A', 'B'], ['B'], ['C'], ['B'], ['B'], ['A', 'B'], [], []],
      );
      assert.ok(res.body.steps.every((s: { prediction_mismatch: boolean }) => s.prediction_mismatch === false));
    });

    it('explains each step with the engine even when the broker gives facts only', async () => {
      const factsOnly = createApp({ broker: new RabbitMqBroker(connection), connection });
      const res = await request(factsOnly).get('/api/scenarios/exchange-to-exchange/play').expect(200);
      assert.equal(res.body.broker, 'rabbitmq');
      assert.deepEqual([...res.body.steps[2].hit].sort(), ['audit', 'orders', 'pager']);
      assert.deepEqual(
        res.body.steps[2].trace.hops.map((h: { exchange: string }) => h.exchange),
        ['app', 'alerts'],
      );
      assert.ok(res.body.steps.every((s: { prediction_mismatch: boolean }) => s.prediction_mismatch === false));
    });

    it('plays a consumer scenario with real consumers', async () => {
      const res = await request(rabbitApp).get('/api/scenarios/acknowledgements/play').expect(200);
      assert.equal(res.body.broker, 'rabbitmq');
      assert.equal(res.body.error, null);
      assert.deepEqual(res.body.steps[4].deliveries, [{ consumer: 'W1', message: 'task 2', redelivered: true }]);
    });
  });
});
