// The sandbox API over real HTTP: import (text or JSON bodies), export, share
// links, save as scenario. Every bad input is a 400 {"error": {"message",
// "path"}} — never a 500, a 413 or a crash — including seeded random mutations
// of a real definitions file.
import assert from 'node:assert/strict';
import request from 'supertest';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { createApp } from '../../src/web/app.js';
import { brokenJson, mutate, prng } from '../helpers/fuzz.js';
import { shopDefinitions, shopDefinitionsText } from '../sandbox/fixtures.js';
import { TUTORIAL_KEYS, tutorialState } from '../sandbox/tutorial.js';

const app = createApp({ broker: new EmbeddedBroker(), rateLimit: { perSecond: 1e9, burst: 1e9 } });

const importText = (text: string, query = '') =>
  request(app).post(`/api/sandbox/import${query}`).set('Content-Type', 'text/plain').send(text);

function assert400(res: request.Response, message: RegExp, path?: string): void {
  assert.equal(res.status, 400, `status ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(res.body.error.message, message);
  if (path !== undefined) assert.equal(res.body.error.path, path);
}

describe('sandbox API', () => {
  describe('POST /api/sandbox/import', () => {
    it('imports a pasted rabbitmqctl export and says what it skipped', async () => {
      const res = await importText(shopDefinitionsText());
      assert.equal(res.status, 200);
      assert.equal(res.body.vhost, '/');
      assert.equal(res.body.topology.exchanges.length, 4);
      assert.equal(res.body.topology.queues.length, 6);
      assert.equal(res.body.topology.bindings.length, 7);
      assert.deepEqual(
        res.body.notices.map((n: { kind: string }) => n.kind),
        ['ignored-keys', 'vhost', 'predeclared-exchanges', 'unsupported-exchange-types', 'server-named-queues', 'dangling-bindings'],
      );
    });

    it('takes the file as an application/json body too', async () => {
      const res = await request(app).post('/api/sandbox/import').set('Content-Type', 'application/json').send(shopDefinitionsText());
      assert.equal(res.status, 200);
      assert.equal(res.body.topology.exchanges[0].name, 'orders');
    });

    it('asks for a vhost when the file has several, and imports the one given', async () => {
      const file = shopDefinitions();
      file.queues.push({ name: 'ledger', vhost: 'finance', durable: true, auto_delete: false, arguments: {} });
      const ask = await importText(JSON.stringify(file));
      assert.equal(ask.status, 200);
      assert.equal(ask.body.topology, null);
      assert.deepEqual(
        ask.body.vhosts.map((v: { name: string }) => v.name),
        ['/', 'finance'],
      );
      const picked = await importText(JSON.stringify(file), '?vhost=finance');
      assert.deepEqual(
        picked.body.topology.queues.map((q: { name: string }) => q.name),
        ['ledger'],
      );
    });

    describe('answers 400 naming the problem for', () => {
      it('a field of the wrong type', async () => {
        const file = shopDefinitions();
        file.bindings[3].destination_type = 'topic';
        assert400(
          await importText(JSON.stringify(file)),
          /^bindings\[3\]\.destination_type must be "queue" or "exchange"/,
          'bindings[3].destination_type',
        );
      });

      it('an unknown field', async () => {
        const file = shopDefinitions();
        file.queues[0].mirror = true;
        assert400(await importText(JSON.stringify(file)), /^queues\[0\] has unknown field "mirror" \(queue "orders\.eu"\)/, 'queues[0]');
      });

      it('a file over 1 MB (400, not 413)', async () => {
        const huge = JSON.stringify({ queues: [{ name: 'q', arguments: { pad: 'x'.repeat(1_100_000) } }] });
        assert400(await importText(huge), /larger than 1,048,576 bytes/);
        const asJson = await request(app).post('/api/sandbox/import').set('Content-Type', 'application/json').send(huge);
        assert400(asJson, /larger than 1,048,576 bytes/);
      });

      it('a deeply nested file', async () => {
        const deep = `{"queues": [{"name": "q", "arguments": {"a": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}]}`;
        assert400(await importText(deep), /nested more than 16 levels deep/);
      });

      it('text that is not JSON, an empty body, binary junk', async () => {
        assert400(await importText('{"queues": ['), /not valid JSON/);
        assert400(await importText(''), /is empty/);
        const junk = await request(app)
          .post('/api/sandbox/import')
          .set('Content-Type', 'application/octet-stream')
          .send(Buffer.from([0xff, 0x00, 0xfe, 0x7b]));
        assert400(junk, /not valid JSON/);
      });

      it('a vhost the file does not have', async () => {
        assert400(await importText(shopDefinitionsText(), '?vhost=prod'), /vhost "prod" is not in the file/, 'vhost');
      });
    });

    it('never answers anything but 200 or 400 to mutated and broken files (seeded)', async function () {
      this.timeout(60_000);
      const valid = shopDefinitions();
      const rand = prng(20240611);
      const statuses = new Map<number, number>();
      for (let i = 0; i < 150; i++) {
        const body = i % 5 === 4 ? brokenJson(rand, JSON.stringify(valid)) : JSON.stringify(mutate(valid, rand));
        const res = await importText(body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status === 200 || res.status === 400, `case ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status === 400) {
          assert.equal(typeof res.body.error.message, 'string');
          assert.ok(res.body.error.message.length > 0);
        }
      }
      assert.ok((statuses.get(400) ?? 0) > 30, `some mutations must be refused: ${[...statuses]}`);
    });
  });

  describe('POST /api/sandbox/export', () => {
    it('answers a definitions file and amqplib code for the topology', async () => {
      const state = tutorialState();
      const res = await request(app)
        .post('/api/sandbox/export')
        .send({ ...state, vhost: 'lab' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.definitions.exchanges, [
        { name: 'topic_logs', vhost: 'lab', type: 'topic', durable: false, auto_delete: false, internal: false, arguments: {} },
      ]);
      assert.equal(res.body.definitions.bindings.length, 3);
      assert.match(res.body.code, /await channel\.bindQueue\("Q2", "topic_logs", "lazy\.#", \{\}\);/);
      assert.equal(res.body.code_filename, 'topology.mjs');
    });

    it('answers without vhost fields when vhost is null', async () => {
      const res = await request(app).post('/api/sandbox/export').send({ topology: tutorialState().topology, vhost: null });
      assert.equal(res.status, 200);
      assert.ok(!('vhost' in res.body.definitions.queues[0]));
    });

    it('refuses a malformed topology, naming the field', async () => {
      const res = await request(app)
        .post('/api/sandbox/export')
        .send({ topology: { queues: [{ name: 'q', arguments: 'x' }] } });
      assert400(res, /^topology\.queues\[0\]\.arguments expected an object \(an AMQP field table\)/, 'topology.queues[0].arguments');
    });
  });

  describe('share links', () => {
    it('POST /api/sandbox/link then /link/open restores the sandbox', async () => {
      const state = tutorialState();
      const made = await request(app).post('/api/sandbox/link').send(state);
      assert.equal(made.status, 200);
      assert.match(made.body.link, /^1\.[A-Za-z0-9_-]+$/);
      const opened = await request(app).post('/api/sandbox/link/open').send({ link: made.body.link });
      assert.equal(opened.status, 200);
      assert.deepEqual(opened.body, state);
    });

    it('a damaged link is a 400 that says so', async () => {
      const made = await request(app).post('/api/sandbox/link').send(tutorialState());
      const res = await request(app)
        .post('/api/sandbox/link/open')
        .send({ link: made.body.link.slice(0, 40) });
      assert400(res, /^this share link is damaged or incomplete/, 'link');
    });
  });

  describe('POST /api/sandbox/scenario', () => {
    it('answers a scenario file for the sandbox', async () => {
      const res = await request(app)
        .post('/api/sandbox/scenario')
        .send({ ...tutorialState(), title: 'My topic' });
      assert.equal(res.status, 200);
      assert.equal(res.body.filename, 'my-topic.json');
      assert.deepEqual(
        res.body.scenario.steps.map((s: any) => s.expect.queues),
        TUTORIAL_KEYS.map(([, q]) => q),
      );
    });

    it('refuses a missing title and an empty sandbox, naming them', async () => {
      assert400(
        await request(app)
          .post('/api/sandbox/scenario')
          .send({ ...tutorialState() }),
        /^title is required/,
        'title',
      );
      assert400(
        await request(app).post('/api/sandbox/scenario').send({ topology: {}, title: 'x' }),
        /publish at least one message/,
        'messages',
      );
    });
  });

  it('GET /sandbox renders the page in English and French with its test hooks', async () => {
    const en = await request(app).get('/sandbox?lang=en');
    assert.equal(en.status, 200);
    for (const hook of [
      'data-sandbox-add="exchange"',
      'data-sandbox-add="queue"',
      'data-sandbox-add="binding"',
      'data-action="publish"',
      'data-action="import"',
      'data-action="export"',
      'data-action="share"',
    ]) {
      assert.ok(en.text.includes(hook), hook);
    }
    assert.match(en.text, /<h1>Sandbox<\/h1>/);
    const fr = await request(app).get('/sandbox?lang=fr');
    assert.match(fr.text, /<h1>Bac à sable<\/h1>/);
    assert.match(fr.text, /data-words="\{&#34;sandbox\./);
  });
});
