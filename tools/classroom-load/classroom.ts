// A class of simulated students against a running server: each one has a
// chat tab (in a room of `roomSize`, sending every ~chatEveryMs, one message
// in five to a roommate in private) and a scenario tab (opens a scenario,
// steps through it at stepEveryMs, opens the next). Measures chat delivery
// (POST → every recipient's WebSocket frame), the scenario play call, the
// server's peak memory, and counts every error, lost and duplicated message.
import { readRss } from '../proc-memory.js';
import { summarize, type LatencySummary } from '../stats.js';
import { prng } from '../../test/helpers/fuzz.js';
import { ChatStudent, type Recipient } from './chat-student.js';
import { ErrorLog } from './error-log.js';
import { DeliveryLedger } from './ledger.js';
import { listScenarios, ScenarioStudent, type ScenarioInfo } from './scenario-student.js';
import { StudentHttp, studentAddress } from './student-http.js';

export interface ClassroomOptions {
  /** The server, e.g. http://127.0.0.1:3000 (IPv4: the students' source addresses are). */
  base: string;
  students: number;
  /** How long the students keep chatting and stepping, after all have joined. */
  durationMs: number;
  /** Mean pause between two chat messages of one student. */
  chatEveryMs?: number;
  /** Pause on each step before "next". */
  stepEveryMs?: number;
  roomSize?: number;
  /** In every name: "<tag>s7" is student 7, "<tag>r0" room 0. Letters and digits, ≤ 20 characters. */
  tag: string;
  /** All students from 127.0.0.1 (a class behind one NAT address) rather than one loopback address each. */
  oneAddress?: boolean;
  /** The server's pid, for its memory (/proc/<pid>/status). */
  serverPid?: number;
  /** How long to wait, after the run, for messages still on their way. */
  drainMs?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface ClassroomReport {
  students: number;
  rooms: number;
  durationMs: number;
  joinMs: number;
  chat: {
    sent: number;
    expectedDeliveries: number;
    delivered: number;
    lost: number;
    duplicated: number;
    unexpected: number;
    /** POST /api/chat/messages → the recipient's frame. */
    delivery: LatencySummary | null;
    /** The POST alone (until the broker confirmed the publish). */
    post: LatencySummary | null;
  };
  scenario: {
    opened: number;
    /** GET /api/scenarios/:id/play: what a scenario (all its steps) costs the server. */
    play: LatencySummary | null;
    /** GET /scenarios/:id: the page itself. */
    page: LatencySummary | null;
  };
  /** The server's resident memory: peak (VmHWM) over its life, and before the students came. */
  memory: { peakMb: number; beforeMb: number } | null;
  errors: { total: number; lines: string[] };
  /** Requests sent again, as a browser would, after the server closed an idle kept-alive socket as they left. */
  keepAliveRetries: number;
  /** A few lost / duplicated / unexpected deliveries. */
  examples: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runClassroom(options: ClassroomOptions): Promise<ClassroomReport> {
  const { base, students: count, durationMs, tag } = options;
  const chatEveryMs = options.chatEveryMs ?? 3000;
  const stepEveryMs = options.stepEveryMs ?? 1000;
  const roomSize = options.roomSize ?? 10;
  const log = options.log ?? (() => {});
  const rand = prng(options.seed ?? 60);
  const errors = new ErrorLog();
  const ledger = new DeliveryLedger();
  const address = (i: number) => (options.oneAddress ? undefined : studentAddress(i));
  const retriedBefore = StudentHttp.retried;
  const memoryBefore = options.serverPid ? readRss(options.serverPid).rssMb : null;

  const scenarios = await listScenarios(base);
  if (scenarios.length === 0) throw new Error('the server lists no scenario');

  // Everyone joins first (ten at a time, as a class arriving), so that every
  // room message has a known set of recipients.
  const joinStart = Date.now();
  const tabs: (ChatStudent | null)[] = new Array(count).fill(null);
  for (let first = 0; first < count; first += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - first) }, async (_, k) => {
        const i = first + k;
        try {
          const tab = await ChatStudent.join({
            base,
            name: `${tag}s${i}`,
            room: `${tag}r${Math.floor(i / roomSize)}`,
            ledger,
            errors,
            localAddress: address(i),
          });
          tabs[i] = tab;
        } catch (err) {
          errors.add('chat: join failed', (err as Error).message);
        }
      }),
    );
  }
  const joinMs = Date.now() - joinStart;
  const members = new Map<string, string[]>();
  for (const tab of tabs) if (tab) members.set(tab.room, [...(members.get(tab.room) ?? []), tab.name]);
  log(`${tabs.filter(Boolean).length}/${count} students joined the chat in ${joinMs} ms; running ${durationMs} ms`);

  const postMs: number[] = [];
  const playMs: number[] = [];
  const pageMs: number[] = [];
  const deadline = Date.now() + durationMs;

  const chatLoop = async (i: number, tab: ChatStudent) => {
    const room = members.get(tab.room)!;
    await sleep(rand() * chatEveryMs);
    for (let seq = 0; Date.now() < deadline; seq++) {
      const others = room.filter((n) => n !== tab.name);
      const toPerson = others.length > 0 && rand() < 0.2;
      const person = others[Math.floor(rand() * others.length)];
      const to: Recipient = toPerson ? { kind: 'person', name: person } : { kind: 'room' };
      // The room's members all get a room message, the sender too (its inbox is bound to the room).
      const ms = await tab.send(`${tag}-${i}-${seq}`, to, `message ${seq} from ${tab.name}`, toPerson ? [person] : room);
      if (ms !== null) postMs.push(ms);
      await sleep(chatEveryMs * (0.5 + rand()));
    }
  };

  const scenarioLoop = async (i: number) => {
    const tab = new ScenarioStudent(base, errors, address(i));
    try {
      await sleep(rand() * stepEveryMs * 2);
      for (let k = i; Date.now() < deadline; k++) {
        const scenario: ScenarioInfo = scenarios[k % scenarios.length];
        const opened = await tab.open(scenario, i % 3 === 0 ? 'fr' : 'en');
        if (opened) {
          playMs.push(opened.playMs);
          pageMs.push(opened.pageMs);
        } else {
          await sleep(stepEveryMs); // a student whose page failed reloads, not in a tight loop
        }
        for (let step = 0; step < scenario.steps && Date.now() < deadline; step++) await sleep(stepEveryMs);
      }
    } finally {
      tab.close();
    }
  };

  let peakSampled = 0;
  const sampler = options.serverPid
    ? setInterval(() => {
        try {
          peakSampled = Math.max(peakSampled, readRss(options.serverPid!).rssMb);
        } catch {
          // the server is gone: its requests fail and say so
        }
      }, 500)
    : null;
  try {
    await Promise.all(tabs.flatMap((tab, i) => [scenarioLoop(i), ...(tab ? [chatLoop(i, tab)] : [])]));
    const drainUntil = Date.now() + (options.drainMs ?? 20_000);
    while (ledger.outstanding() > 0 && Date.now() < drainUntil) await sleep(100);
    // A duplicate would come after the first copy: give it time to show.
    await sleep(1000);
  } finally {
    if (sampler) clearInterval(sampler);
    for (const tab of tabs) tab?.close();
  }

  const books = ledger.summary();
  const peakMb = options.serverPid ? safePeak(options.serverPid, peakSampled) : 0;
  return {
    students: count,
    rooms: members.size,
    durationMs,
    joinMs,
    chat: {
      sent: books.sent,
      expectedDeliveries: books.expectedDeliveries,
      delivered: books.delivered,
      lost: books.lost,
      duplicated: books.duplicated,
      unexpected: books.unexpected,
      delivery: books.latenciesMs.length ? summarize(books.latenciesMs) : null,
      post: postMs.length ? summarize(postMs) : null,
    },
    scenario: {
      opened: playMs.length,
      play: playMs.length ? summarize(playMs) : null,
      page: pageMs.length ? summarize(pageMs) : null,
    },
    memory: memoryBefore === null ? null : { peakMb, beforeMb: memoryBefore },
    errors: { total: errors.total, lines: errors.lines() },
    keepAliveRetries: StudentHttp.retried - retriedBefore,
    examples: books.examples,
  };
}

/** VmHWM, the kernel's own peak; the sampled maximum if the process has gone. */
function safePeak(pid: number, sampled: number): number {
  try {
    return Math.max(readRss(pid).peakMb, sampled);
  } catch {
    return sampled;
  }
}
