import assert from 'node:assert/strict';
import { RecentSends } from '../../src/chat/recent-sends.js';

describe('recent sends (one publish per message id)', () => {
  it('runs the first send of an id and gives later ones its answer, also while it is in flight', async () => {
    const recent = new RecentSends();
    let runs = 0;
    const publish = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return { path: 'room.lobby' };
    };
    const [a, b] = await Promise.all([recent.once('Otana\0id1', publish), recent.once('Otana\0id1', publish)]);
    assert.deepEqual(a, b);
    assert.deepEqual(await recent.once('Otana\0id1', publish), a);
    assert.equal(runs, 1);
    await recent.once('Otana\0id2', publish);
    assert.equal(runs, 2);
  });

  it('forgets a send that failed, so that the retry publishes', async () => {
    const recent = new RecentSends();
    await assert.rejects(
      recent.once('k', async () => Promise.reject(new Error('broker away'))),
      /broker away/,
    );
    assert.equal(await recent.once('k', async () => 'sent'), 'sent');
  });

  it('forgets ids after an hour', async () => {
    let now = 0;
    const recent = new RecentSends(() => now);
    let runs = 0;
    await recent.once('k', async () => runs++);
    now += 61 * 60 * 1000;
    await recent.once('k', async () => runs++);
    assert.equal(runs, 2);
  });
});
