// The classes this server process serves: who is connected to which class as
// teacher or student, what each may do, and what each page is told. The
// class itself lives in the transport (in-process, or on RabbitMQ); this hub
// keeps a follower's copy per class and pushes each page its view.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { AnswerParseError, grade, type Grade } from './challenges.js';
import {
  apply,
  countsOfRevealed,
  createClass,
  gradedAtOnce,
  questionKey,
  refusal,
  studentView,
  teacherView,
  type ClassInput,
  type ClassItem,
  type ClassState,
  type Refusal,
} from './class-model.js';
import { hashSecret, newClassCode, newSecret, normalizeCode, secretMatches } from './class-codes.js';
import type { ClassClient, ClassMessage, ClassRequest } from './class-protocol.js';
import type { ClassEvent, ClassTransport, Following } from './class-transport.js';
import type { Lessons } from './lessons.js';
import { ClassLiveServer } from './class-live.js';
import { CLASS_LIMITS } from './limits.js';
import { resultsCsv } from './results-csv.js';

export type { ClassClient, ClassMessage } from './class-protocol.js';

interface LiveClass {
  state: ClassState;
  following: Following;
  teachers: Set<ClassClient>;
  students: Map<string, Set<ClassClient>>;
  pending: Map<string, (outcome: Refusal | null) => void>;
  forgotten?: boolean;
}

export interface ClassHubOptions {
  logger?: Logger;
  now?: () => number;
  /** A class untouched this long ends (default 4 h). */
  idleMs?: number;
  /** How often idleness is checked (default 1 min). */
  idleCheckMs?: number;
  /** How long a submitted input may take to be applied before the page is told (default 5 s). */
  applyTimeoutMs?: number;
}

export class ClassError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.key);
  }
}

export class ClassHub {
  private readonly live = new Map<string, Promise<LiveClass | null>>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly applyTimeoutMs: number;
  private readonly idleTimer: NodeJS.Timeout;
  private liveServer: ClassLiveServer | null = null;

  constructor(
    readonly transport: ClassTransport,
    readonly lessons: Lessons,
    options: ClassHubOptions = {},
  ) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.now = options.now ?? Date.now;
    this.idleMs = options.idleMs ?? CLASS_LIMITS.idleMs;
    this.applyTimeoutMs = options.applyTimeoutMs ?? 5000;
    this.idleTimer = setInterval(() => void this.endIdleClasses(), options.idleCheckMs ?? 60_000);
    this.idleTimer.unref();
  }

  /** Serves the live channel (/api/class/live) on this HTTP server. */
  attach(server: Server): void {
    (this.liveServer ??= new ClassLiveServer(this, this.logger)).attach(server);
  }

  /** A new class on these items: its code and the teacher's key (the only thing that drives it). */
  async create(
    items: ClassItem[],
    options: { askEveryStep?: boolean; instantFeedback?: boolean } = {},
  ): Promise<{ code: string; teacherKey: string }> {
    if (items.length === 0) throw new ClassError({ key: 'class.error.no-items' });
    const teacherKey = newSecret();
    const code = newClassCode();
    await this.transport.create(
      createClass({
        code,
        teacherKeyHash: hashSecret(teacherKey),
        items,
        at: this.now(),
        askEveryStep: options.askEveryStep,
        instantFeedback: options.instantFeedback,
      }),
    );
    return { code, teacherKey };
  }

  /** The class now, as this server follows it (null: no such class). */
  async state(code: string): Promise<ClassState | null> {
    const normalized = normalizeCode(code);
    if (!normalized) return null;
    return (await this.open(normalized))?.state ?? null;
  }

  async isTeacher(code: string, key: unknown): Promise<boolean> {
    const state = await this.state(code);
    return !!state && secretMatches(key, state.teacherKeyHash);
  }

  async results(code: string, key: unknown): Promise<string | null> {
    const state = await this.state(code);
    if (!state || !secretMatches(key, state.teacherKeyHash)) return null;
    return resultsCsv(state, (item, step) => this.lessons.label(state.items[item], step));
  }

  // --- the live channel ----------------------------------------------------------

  async handle(client: ClassClient, request: ClassRequest): Promise<void> {
    try {
      await this.dispatch(client, request);
    } catch (err) {
      if (err instanceof ClassError)
        client.send({ type: 'error', key: err.refusal.key, ...(err.refusal.params ? { params: err.refusal.params } : {}) });
      else {
        this.logger.warn({ err: (err as Error).message }, 'class: request failed');
        client.send({ type: 'error', key: 'class.error.broker' });
      }
    }
  }

  leave(client: ClassClient): void {
    const session = client.session;
    if (!session) return;
    void this.live.get(session.code)?.then((live) => {
      if (!live) return;
      if (session.role === 'teacher') {
        live.teachers.delete(client);
        if (live.teachers.size === 0) this.tellStudents(live, { type: 'teacher', here: false });
      } else {
        const tabs = live.students.get(session.studentId);
        tabs?.delete(client);
        if (tabs?.size === 0) live.students.delete(session.studentId);
      }
    });
  }

  private async dispatch(client: ClassClient, request: ClassRequest): Promise<void> {
    if (request.type === 'teacher' || request.type === 'student' || request.type === 'join') {
      if (client.session) throw new ClassError({ key: 'class.error.already' });
      const code = normalizeCode(request.code);
      const live = code ? await this.open(code) : null;
      if (!code || !live) throw new ClassError({ key: code ? 'class.error.no-class' : 'class.error.bad-code' });
      if (this.connections(live) >= CLASS_LIMITS.connections)
        throw new ClassError({ key: 'class.error.full', params: { n: CLASS_LIMITS.students } });
      if (request.type === 'teacher') {
        if (!secretMatches(request.key, live.state.teacherKeyHash)) throw new ClassError({ key: 'class.error.teacher-key' });
        client.session = { code, role: 'teacher' };
        live.teachers.add(client);
        if (live.teachers.size === 1) this.tellStudents(live, { type: 'teacher', here: true });
        client.send({ type: 'welcome', role: 'teacher', code });
        client.send({ type: 'view', view: teacherView(live.state) });
        return;
      }
      let studentId: string;
      let token: string | undefined;
      if (request.type === 'student') {
        const student = Object.values(live.state.students).find((s) => secretMatches(request.token, s.tokenHash));
        if (!student) throw new ClassError({ key: 'class.error.token' });
        studentId = student.id;
      } else {
        const bad = refusal(live.state, { type: 'join', studentId: '', name: request.name, tokenHash: '', at: 0 });
        if (bad) throw new ClassError(bad);
        token = newSecret();
        studentId = randomUUID();
        await this.submit(code, live, { type: 'join', studentId, name: request.name, tokenHash: hashSecret(token), at: this.now() });
      }
      client.session = { code, role: 'student', studentId };
      const tabs = live.students.get(studentId) ?? new Set<ClassClient>();
      tabs.add(client);
      live.students.set(studentId, tabs);
      client.send({ type: 'welcome', role: 'student', code, studentId, ...(token ? { token } : {}) });
      client.send({ type: 'view', view: studentView(live.state, studentId) });
      client.send({ type: 'teacher', here: live.teachers.size > 0 });
      // A challenge answered earlier and graded (revealed, or instant feedback): its verdict again, with the engine's reasons.
      for (const q of Object.values(live.state.questions)) {
        const mine = q.answers[studentId];
        const item = live.state.items[q.item];
        if (mine?.text !== undefined && item?.kind === 'challenge' && (q.revealed || gradedAtOnce(live.state)))
          this.sendGrade(client, q.key, item.id, mine.text);
      }
      return;
    }

    const session = client.session;
    if (!session) throw new ClassError({ key: 'class.error.hello-first' });
    const live = await this.open(session.code);
    if (!live) throw new ClassError({ key: 'class.error.ended' });
    const state = live.state;
    const at = this.now();

    if (request.type === 'answer') {
      if (session.role !== 'student') throw new ClassError({ key: 'class.error.students-only' });
      if (!this.take(client)) throw new ClassError({ key: 'class.error.slow-down' });
      const q = state.questions[request.key];
      const item = q ? state.items[q.item] : undefined;
      let input: ClassInput;
      let graded: { grade: Grade; text: string; id: string } | null = null;
      if (item?.kind === 'challenge') {
        const text = request.text ?? '';
        let result: Grade;
        try {
          result = grade(this.lessons.challenge(item.id)!, text);
        } catch (err) {
          if (err instanceof AnswerParseError) throw new ClassError({ key: err.key, params: err.params });
          throw err;
        }
        graded = { grade: result, text, id: item.id };
        input = { type: 'answer', studentId: session.studentId, key: request.key, text, right: result.right, at };
      } else {
        input = { type: 'answer', studentId: session.studentId, key: request.key, queues: request.queues ?? [], right: false, at };
      }
      const bad = refusal(state, input);
      if (bad) throw new ClassError(bad);
      await this.submit(session.code, live, input);
      client.send({ type: 'answered', key: request.key, ...(request.ref ? { ref: request.ref } : {}) });
      // Graded at the reveal unless the teacher chose instant feedback: the grade is not there to retry against.
      if (graded && gradedAtOnce(state)) client.send({ type: 'graded', key: request.key, text: graded.text, grade: graded.grade });
      return;
    }

    // Everything else drives the class: the teacher's tab only.
    if (session.role !== 'teacher') throw new ClassError({ key: 'class.error.teacher-only' });
    let input: ClassInput;
    switch (request.type) {
      case 'go':
        // Question first: reaching a step with a message asks it (answers kept if it was asked before).
        input = this.asksItself(state, request.item, request.step)
          ? this.askInput(state, request.item, request.step, at)
          : { type: 'go', item: request.item, step: request.step, at };
        break;
      case 'ask':
        input = this.askInput(state, state.position.item, state.position.step, at);
        break;
      case 'reveal':
        input = { type: 'reveal', key: questionKey(state.position.item, state.position.step), at };
        break;
      case 'hide-names':
        input = { type: 'hide-names', hidden: request.hidden, at };
        break;
      case 'end':
        input = { type: 'end', at };
        break;
    }
    const bad = refusal(state, input);
    if (bad) throw new ClassError(bad);
    await this.submit(session.code, live, input);
  }

  private asksItself(state: ClassState, item: number, step: number): boolean {
    const it = state.items[item];
    return state.askEveryStep !== false && it?.kind === 'scenario' && step >= 1 && step <= it.steps;
  }

  private askInput(state: ClassState, item: number, step: number, at: number): ClassInput {
    const expected = this.lessons.expected(state.items[item], step);
    return { type: 'ask', item, step, at, ...(expected ? { expected } : {}) };
  }

  /** A tab's bucket of answers (CLASS_LIMITS): refilled over time, a burst allowed. */
  private take(client: ClassClient): boolean {
    const now = this.now();
    const b = client.bucket ?? { tokens: CLASS_LIMITS.answersBurst, at: now };
    b.tokens = Math.min(CLASS_LIMITS.answersBurst, b.tokens + ((now - b.at) / 1000) * CLASS_LIMITS.answersPerSecond);
    b.at = now;
    client.bucket = b;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private sendGrade(client: ClassClient, key: string, challengeId: string, text: string): void {
    const challenge = this.lessons.challenge(challengeId);
    if (!challenge) return;
    try {
      client.send({ type: 'graded', key, text, grade: grade(challenge, text) });
    } catch {
      /* an answer that no longer parses cannot have been stored */
    }
  }

  private connections(live: LiveClass): number {
    let n = live.teachers.size;
    for (const tabs of live.students.values()) n += tabs.size;
    return n;
  }

  /** Hands the input to the class's writer and waits (bounded) until this server has applied it. */
  private submit(code: string, live: LiveClass, input: ClassInput): Promise<void> {
    const id = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        live.pending.delete(id);
        reject(new ClassError({ key: 'class.error.timeout', params: { s: Math.round(this.applyTimeoutMs / 1000) } }));
      }, this.applyTimeoutMs);
      live.pending.set(id, (outcome) => {
        clearTimeout(timer);
        live.pending.delete(id);
        if (outcome) reject(new ClassError(outcome));
        else resolve();
      });
      this.transport.submit(code, { ...input, id }).catch((err: unknown) => {
        clearTimeout(timer);
        live.pending.delete(id);
        this.logger.warn({ err: (err as Error).message }, 'class: input not handed to the broker');
        reject(new ClassError({ key: 'class.error.broker' }));
      });
    });
  }

  // --- following a class ---------------------------------------------------------------

  private open(code: string): Promise<LiveClass | null> {
    let opening = this.live.get(code);
    if (!opening) {
      opening = this.follow(code).catch((err: unknown) => {
        this.live.delete(code);
        throw err;
      });
      this.live.set(code, opening);
      void opening.then((live) => {
        if (!live) this.live.delete(code);
      });
    }
    return opening;
  }

  private async follow(code: string): Promise<LiveClass | null> {
    let live: LiveClass | null = null;
    const early: ClassEvent[] = [];
    const following = await this.transport.follow(code, (event) => (live ? this.onEvent(code, live, event) : early.push(event)));
    if (!following) return null;
    if (following.state.ended) {
      // Ended a moment ago: the broker is still deleting it.
      await following.stop().catch(() => {});
      return null;
    }
    live = { state: following.state, following, teachers: new Set(), students: new Map(), pending: new Map() };
    for (const event of early) this.onEvent(code, live, event);
    return live;
  }

  private onEvent(code: string, live: LiveClass, event: ClassEvent): void {
    if (event.kind === 'refused') {
      live.pending.get(event.id)?.(event.refusal);
      return;
    }
    if (event.kind === 'gone') {
      void this.forget(code, live);
      return;
    }
    if (event.kind === 'reset') {
      live.state = event.state;
      this.broadcast(live);
      return;
    }
    const { input } = event;
    // Announcements this copy already has (a failover repeats a few) change nothing.
    if (event.seq <= live.state.seq) {
      live.pending.get(input.id)?.(null);
      return;
    }
    apply(live.state, input);
    live.state.seq = event.seq;
    live.pending.get(input.id)?.(null);
    if (input.type === 'join' || input.type === 'answer') {
      this.sendTeachers(live);
      for (const tab of live.students.get(input.studentId) ?? [])
        tab.send({ type: 'view', view: studentView(live.state, input.studentId) });
    } else {
      this.broadcast(live);
    }
    if (input.type === 'reveal') this.sendGrades(live, input.key);
    if (live.state.ended) void this.forget(code, live);
  }

  /** A challenge revealed: each student who answered gets their own grade, with the engine's reasons (and nobody else's). */
  private sendGrades(live: LiveClass, key: string): void {
    const q = live.state.questions[key];
    const item = q ? live.state.items[q.item] : undefined;
    if (!q || item?.kind !== 'challenge') return;
    for (const [studentId, answer] of Object.entries(q.answers)) {
      if (answer.text === undefined) continue;
      for (const tab of live.students.get(studentId) ?? []) this.sendGrade(tab, key, item.id, answer.text);
    }
  }

  private sendTeachers(live: LiveClass): void {
    if (live.teachers.size === 0) return;
    const view = teacherView(live.state);
    for (const tab of live.teachers) tab.send({ type: 'view', view });
  }

  private tellStudents(live: LiveClass, message: ClassMessage): void {
    for (const tabs of live.students.values()) for (const tab of tabs) tab.send(message);
  }

  private broadcast(live: LiveClass): void {
    this.sendTeachers(live);
    const revealed = countsOfRevealed(live.state);
    for (const [studentId, tabs] of live.students) {
      const view = studentView(live.state, studentId, revealed);
      for (const tab of tabs) tab.send({ type: 'view', view });
    }
  }

  private async forget(code: string, live: LiveClass): Promise<void> {
    if (live.forgotten) return;
    live.forgotten = true;
    this.live.delete(code);
    for (const tab of live.teachers) tab.send({ type: 'ended' });
    this.tellStudents(live, { type: 'ended' });
    await live.following.stop().catch(() => {});
  }

  private async endIdleClasses(): Promise<void> {
    const now = this.now();
    for (const [code, opening] of this.live) {
      const live = await opening.catch(() => null);
      if (!live || live.state.ended || now - live.state.lastActivity < this.idleMs) continue;
      this.logger.info({ code }, 'class: idle for 4 hours, ended');
      await this.submit(code, live, { type: 'end', at: now }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    await this.liveServer?.close();
    for (const opening of this.live.values()) {
      const live = await opening.catch(() => null);
      await live?.following.stop().catch(() => {});
    }
    this.live.clear();
    await this.transport.close();
  }
}
