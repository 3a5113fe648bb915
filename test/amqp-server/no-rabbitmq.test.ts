// "A machine without RabbitMQ", on a machine that has one: a network
// namespace of its own has its own loopback, with port 5672 free. There the
// server, started as `npm start` starts it, must pick the embedded broker,
// listen for AMQP on localhost:5672 and say so; and the RabbitMQ tutorials as
// amqplib ships them (hard-coded amqp://localhost, not a character changed)
// and the report's pika chat must run and print what they print on RabbitMQ.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram, TUTORIALS_DIR, type Program } from '../../tools/tutorial-program.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ns = `xtp-no-rabbit-${process.pid}`;
const programs: Program[] = [];

function inNamespace(...command: string[]): Program {
  const program = runProgram(['ip', 'netns', 'exec', ns, ...command], command.map((c) => path.basename(c)).join(' '));
  programs.push(program);
  return program;
}

const tutorial = (file: string, ...args: string[]) => inNamespace(process.execPath, path.join(TUTORIALS_DIR, file), ...args);
const reportChat = (inbox: string, peer: string) =>
  inNamespace('/usr/bin/python3', '-u', path.join(root, 'test/python/report-chat.py'), '--inbox', inbox, '--peer', peer);

describe('on a machine without RabbitMQ (a network namespace of its own)', function () {
  this.timeout(60_000);
  let server: Program;

  before(async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    server = inNamespace(process.execPath, '--import', 'tsx', path.join(root, 'src/server.ts'));
    await server.waitFor(/playground on http:\/\/localhost:3000/, 30_000);
  });

  afterEach(async () => {
    for (const program of programs.splice(1)) await program.stop(); // all but the server
  });

  after(async () => {
    for (const program of programs.splice(0)) await program.stop();
    execFileSync('ip', ['netns', 'del', ns]);
  });

  it('npm start picks the embedded broker and prints the AMQP URL for programs', async () => {
    await server.waitFor(/AMQP listener: programs connect to amqp:\/\/localhost:5672/);
    assert.match(server.output(), /broker: embedded — no RabbitMQ reachable at amqp:\/\/guest:\*\*\*@localhost:5672/);
  });

  it('tutorial 1, "Hello World!": send.js reaches receive.js', async () => {
    const receive = tutorial('receive.js');
    await receive.waitFor(/Waiting for messages/);
    await tutorial('send.js').waitFor(/\[x\] Sent 'Hello World!'/);
    await receive.waitFor(/\[x\] Received 'Hello World!'/);
  });

  it('tutorial 2, work queues: two workers share the tasks, one at a time each (prefetch 1), and ack them', async () => {
    const workers = [tutorial('worker.js'), tutorial('worker.js')];
    for (const w of workers) await w.waitFor(/Waiting for messages/);
    for (const task of ['First task.', 'Second task.', 'Third task.', 'Fourth task.']) await tutorial('new_task.js', task).waitFor(/Sent/);
    for (const w of workers) await w.waitFor(/(\[x\] Received '.*'[\s\S]*){2}/);
    const got = workers.map((w) => [...w.output().matchAll(/Received '(.*)'/g)].map((m) => m[1]));
    assert.deepEqual(got.flat().sort(), ['First task.', 'Fourth task.', 'Second task.', 'Third task.']);
    assert.deepEqual(
      got.map((tasks) => tasks.length),
      [2, 2],
    );
    for (const w of workers) await w.waitFor(/(Done[\s\S]*){2}/);
  });

  it('tutorial 3, publish/subscribe: every receive_logs.js gets each log (fanout)', async () => {
    const receivers = [tutorial('receive_logs.js'), tutorial('receive_logs.js')];
    for (const r of receivers) await r.waitFor(/Waiting for logs/);
    await tutorial('emit_log.js', 'info: Hello World!').waitFor(/Sent/);
    for (const r of receivers) await r.waitFor(/\[x\] 'info: Hello World!'/);
  });

  it('tutorial 4, routing: receive_logs_direct.js gets only the severities it bound', async () => {
    const errors = tutorial('receive_logs_direct.js', 'error');
    const all = tutorial('receive_logs_direct.js', 'info', 'warning', 'error');
    for (const r of [errors, all]) await r.waitFor(/Waiting for logs/);
    await tutorial('emit_log_direct.js', 'warning', 'disk at 80%').waitFor(/Sent/);
    await tutorial('emit_log_direct.js', 'error', 'Run. Run. Or it will explode.').waitFor(/Sent/);
    await all.waitFor(/\[x\] warning:'disk at 80%'[\s\S]*\[x\] error:'Run. Run. Or it will explode.'/);
    await errors.waitFor(/\[x\] error:'Run. Run. Or it will explode.'/);
    assert.doesNotMatch(errors.output(), /warning/);
  });

  it('tutorial 5, topics: kern.* and *.critical as the tutorial shows', async () => {
    const kern = tutorial('receive_logs_topic.js', 'kern.*');
    const critical = tutorial('receive_logs_topic.js', '*.critical');
    const everything = tutorial('receive_logs_topic.js', '#');
    for (const r of [kern, critical, everything]) await r.waitFor(/Waiting for logs/);
    await tutorial('emit_log_topic.js', 'kern.critical', 'A critical kernel error').waitFor(/Sent/);
    await tutorial('emit_log_topic.js', 'anonymous.info', 'hello').waitFor(/Sent/);
    for (const r of [kern, critical, everything]) await r.waitFor(/\[x\] kern.critical:'A critical kernel error'/);
    await everything.waitFor(/\[x\] anonymous.info:'hello'/);
    for (const r of [kern, critical]) assert.doesNotMatch(r.output(), /anonymous.info/);
  });

  it('the report’s pika chat, two copies as printed, talk to each other', async () => {
    const otana = reportChat('task_queue1', 'task_queue2');
    const mehdi = reportChat('task_queue2', 'task_queue1');
    for (const p of [otana, mehdi]) await p.waitFor(/online/, 15_000);
    otana.send('hello');
    await otana.waitFor(/YOU -- hello/, 15_000);
    await mehdi.waitFor(/anonymous -- hello/, 15_000);
    mehdi.send('Hi How Are you');
    await otana.waitFor(/anonymous -- Hi How Are you/, 15_000);
  });
});
