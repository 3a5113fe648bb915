// A class carried by RabbitMQ (src/classroom/amqp-transport.ts, which the
// embedded broker runs too, over its own AMQP port: class-fixture.ts), with
// real server processes as `npm start` runs them: two servers behind "one
// address" share a class (teacher on one, students on the other); the server
// that writes the class is killed (SIGKILL) while the answers pour in and no
// answer is lost or counted twice; the class ends and nothing of it is left
// on the broker.
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { classNames } from '../../src/classroom/amqp-transport.js';
import { ClassClient, startClass } from '../../tools/class-client.js';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { AMQP_URL, requireRabbit } from '../helpers/rabbitmq.js';
import { eventually } from './class-fixture.js';

type View = { position: { item: number; step: number }; students: number; question: { answers: number; right: number } | null };

const STUDENTS = 30;

describe('a class shared by two server processes on RabbitMQ', function () {
  this.timeout(120_000);
  const servers: ServerProcess[] = [];
  const clients: ClassClient[] = [];
  let code = '';

  before(async function () {
    await requireRabbit(this);
  });
  after(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    // Whatever the outcome, nothing of the test stays on RabbitMQ.
    if (code) {
      const conn = await amqp.connect(AMQP_URL);
      const ch = await conn.createChannel();
      const names = classNames(code);
      await ch.deleteQueue(names.inputs);
      await ch.deleteQueue(names.state);
      await ch.deleteExchange(names.events);
      await conn.close();
    }
  });

  const server = async () => {
    const s = await startServer({ BROKER: 'rabbitmq', AMQP_URL, AMQP_LISTEN: 'off' }, 40_000);
    servers.push(s);
    return s;
  };
  const open = async (s: ServerProcess) => {
    const c = await ClassClient.open(s.url);
    clients.push(c);
    return c;
  };

  it('lets the teacher drive on one server and students answer on the other; the writer dies and no answer is lost or counted twice; the end leaves nothing', async () => {
    const a = await server();
    const b = await server();
    const started = await startClass(a.url);
    code = started.code;
    const teacher = await open(a);
    teacher.send({ type: 'teacher', code, key: started.key });
    await teacher.next((m) => m.type === 'view');

    // Students on server B.
    const students: ClassClient[] = [];
    for (let i = 0; i < STUDENTS; i++) {
      const s = await open(b);
      await s.join(code, `student ${i + 1}`);
      students.push(s);
    }
    await eventually('all students on the teacher’s server', () => teacher.view<View>()?.students === STUDENTS);

    // The teacher's → on A reaches B's students.
    teacher.send({ type: 'go', item: 0, step: 1 });
    teacher.send({ type: 'ask' });
    for (const s of students) await s.next((m) => m.type === 'view' && (m.view as { open: string | null }).open === '0.1', 15_000, 0);

    // A wrote the class (it followed first). Kill it while the answers pour in.
    for (const [i, s] of students.entries()) {
      s.send({ type: 'answer', key: '0.1', queues: i % 3 === 0 ? ['Q2'] : ['Q1', 'Q2'] });
      if (i === STUDENTS / 2) await a.stop('SIGKILL');
    }
    for (const s of students) await s.next((m) => m.type === 'answered', 20_000, 0);

    // A comes back (a restart); the teacher's page reconnects with its key.
    const a2 = await server();
    const teacher2 = await open(a2);
    teacher2.send({ type: 'teacher', code, key: started.key });
    const view = await eventually(
      'every answer, once',
      () => {
        const v = teacher2.view<View>();
        return v?.question?.answers === STUDENTS && v;
      },
      20_000,
    );
    assert.equal(view.question!.answers, STUDENTS);
    assert.equal(view.question!.right, STUDENTS - Math.ceil(STUDENTS / 3));
    assert.deepEqual(view.position, { item: 0, step: 1 });

    // The end: every page is told, and RabbitMQ holds nothing of the class.
    teacher2.send({ type: 'end' });
    await teacher2.next((m) => m.type === 'ended');
    for (const s of students) await s.next((m) => m.type === 'ended', 10_000, 0);
    const names = classNames(code);
    const conn = await amqp.connect(AMQP_URL);
    try {
      await eventually(
        'the class gone from RabbitMQ',
        async () => {
          const gone = await Promise.all(
            [names.inputs, names.state].map(async (q) => {
              const ch = await conn.createChannel();
              ch.on('error', () => {});
              try {
                await ch.checkQueue(q);
                await ch.close();
                return false;
              } catch (err) {
                return (err as { code?: number }).code === 404;
              }
            }),
          );
          const ch = await conn.createChannel();
          ch.on('error', () => {});
          const exchangeGone = await ch.checkExchange(names.events).then(
            () => ch.close().then(() => false),
            (err: { code?: number }) => err.code === 404,
          );
          return gone.every(Boolean) && exchangeGone;
        },
        10_000,
      );
    } catch (err) {
      console.log(
        servers
          .map((s) => s.output())
          .join('\n-----\n')
          .slice(-6000),
      );
      throw err;
    } finally {
      await conn.close();
    }
  });
});
