// The class's join link and QR code give an address students can reach:
// opened as localhost, this machine's LAN address (same port); opened at an
// address others reach, that one; PUBLIC_URL when set. Over real HTTP.
import assert from 'node:assert/strict';
import request from 'supertest';
import QRCode from 'qrcode';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { createClassHub } from '../../src/classroom/create-class-hub.js';
import type { ClassHub } from '../../src/classroom/class-hub.js';
import { listenerConnection } from '../helpers/listener.js';
import { lanAddresses } from '../../src/util/lan-addresses.js';
import { createApp } from '../../src/web/app.js';

async function teacherPage(hub: ClassHub, host: string, publicUrl?: string): Promise<{ link: string; qr: string; code: string }> {
  const app = createApp({ broker: new EmbeddedBroker(), classes: hub, publicUrl, rateLimit: { perSecond: 1000, burst: 1000 } });
  const agent = request.agent(app);
  const created = await agent.get('/class/new?scenario=direct').set('Host', host).expect(303);
  const page = await agent.get(created.headers.location).set('Host', host).expect(200);
  const link = /data-join-link href="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
  const code = /data-class-code>([A-Z0-9]+)</.exec(page.text)![1];
  const qr = String((await agent.get(`/class/${code}/qr.svg`).set('Host', host).responseType('blob').expect(200)).body);
  return { link, qr, code };
}

describe('the class join address', () => {
  let hub: ClassHub;
  before(async () => {
    hub = createClassHub({ connection: await listenerConnection() });
  });
  after(async () => hub.close());

  it('opened as localhost, links this machine’s LAN address with the same port, in the QR code too', async function () {
    const [lan] = lanAddresses();
    if (!lan) this.skip(); // a machine with no network: nothing better to give
    const { link, qr, code } = await teacherPage(hub, 'localhost:3000');
    assert.equal(link, `http://${lan}:3000/join?code=${code}`);
    assert.equal(qr, await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
  });

  it('opened at an address others reach, keeps it', async () => {
    const { link, code } = await teacherPage(hub, 'playground.school.example:8080');
    assert.equal(link, `http://playground.school.example:8080/join?code=${code}`);
  });

  it('the home page leads to a class (start one, join one), and /class/new says which scenarios it leaves out and why', async () => {
    const app = createApp({ broker: new EmbeddedBroker(), classes: hub });
    const home = await request(app).get('/?lang=fr').expect(200);
    assert.match(home.text, /<a class="button" href="\/class\/new\?lang=fr" data-home-class-new>Lancer une séance<\/a>/);
    assert.match(home.text, /href="\/join\?lang=fr" data-home-join>/);
    const form = await request(app).get('/class/new?lang=en').expect(200);
    const note = /data-not-offered>([^<]+)</.exec(form.text)![1];
    assert.match(note, /Work queue/i);
    assert.match(note, /acknowledg/i);
    assert.match(note, /which consumer/);
  });

  it('PUBLIC_URL wins', async () => {
    const { link, code } = await teacherPage(hub, 'localhost:3000', 'https://rabbit.school.example/');
    assert.equal(link, `https://rabbit.school.example/join?code=${code}`);
  });
});
