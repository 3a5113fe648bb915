// A class as data: the teacher's position in the lesson, the students, their
// answers and scores. Deterministic, no I/O: every change is an input applied
// by apply(), so every server process that applies the same inputs in the
// same order holds the same class (the inputs travel through the broker;
// see amqp-transport.ts). Inputs are idempotent (absolute
// positions, "this student's answer is X"), so an input delivered twice after
// a failover changes nothing the second time.
import { CLASS_LIMITS } from './limits.js';

/** One part of the lesson: a scenario's steps, or a challenge (one question). */
export type ClassItem = { kind: 'scenario'; id: string; steps: number; options: string[] } | { kind: 'challenge'; id: string };

export interface Student {
  id: string;
  name: string;
  /** sha256 of the student's token: only the tab that joined speaks for them. */
  tokenHash: string;
  joinedAt: number;
}

/** A scenario step's answer (queues), or a challenge's (what the student wrote, graded by the engine). */
export interface Answer {
  queues?: string[];
  text?: string;
  right: boolean;
  at: number;
}

export interface Question {
  key: string;
  item: number;
  step: number;
  revealed: boolean;
  /** The right set of queues (scenario steps); absent for challenges (graded per answer). */
  expected?: string[];
  answers: Record<string, Answer>;
}

export interface ClassState {
  code: string;
  teacherKeyHash: string;
  items: ClassItem[];
  createdAt: number;
  lastActivity: number;
  position: { item: number; step: number };
  /** The question open at the teacher's position, if any (key). */
  open: string | null;
  questions: Record<string, Question>;
  students: Record<string, Student>;
  hideNames: boolean;
  /**
   * Question first: every step whose message can be predicted is asked as
   * the teacher reaches it (students see the message and the choices, not
   * the answer, until the reveal). false: only when the teacher presses Ask.
   * Absent in classes made before it: true.
   */
  askEveryStep?: boolean;
  /**
   * A challenge's grade goes to the student as soon as they send (true), or
   * at the reveal (false, the default): one counted answer each, not retried
   * until right. Absent in classes made before it: false.
   */
  instantFeedback?: boolean;
  ended: boolean;
  /** Inputs applied so far (replicas detect gaps with it). */
  seq: number;
}

export type ClassInput =
  | { type: 'join'; studentId: string; name: string; tokenHash: string; at: number }
  | { type: 'go'; item: number; step: number; at: number }
  | { type: 'ask'; item: number; step: number; expected?: string[]; at: number }
  | { type: 'reveal'; key: string; at: number }
  | { type: 'hide-names'; hidden: boolean; at: number }
  | { type: 'answer'; studentId: string; key: string; queues?: string[]; text?: string; right: boolean; at: number }
  | { type: 'end'; at: number };

/** A refusal, with the catalog key of its words (class.error.*). */
export interface Refusal {
  key: string;
  params?: Record<string, string | number>;
}

export const questionKey = (item: number, step: number) => `${item}.${step}`;

export function createClass(init: {
  code: string;
  teacherKeyHash: string;
  items: ClassItem[];
  at: number;
  askEveryStep?: boolean;
  instantFeedback?: boolean;
}): ClassState {
  return {
    code: init.code,
    teacherKeyHash: init.teacherKeyHash,
    items: init.items,
    createdAt: init.at,
    lastActivity: init.at,
    position: { item: 0, step: 0 },
    open: null,
    questions: {},
    students: {},
    hideNames: false,
    askEveryStep: init.askEveryStep ?? true,
    instantFeedback: init.instantFeedback ?? false,
    ended: false,
    seq: 0,
  };
}

/** Why this input cannot be applied now (null: it can). Applying a refused input changes nothing. */
export function refusal(state: ClassState, input: ClassInput): Refusal | null {
  if (state.ended) return { key: 'class.error.ended' };
  switch (input.type) {
    case 'join': {
      if (state.students[input.studentId]) return null; // the same join again
      if (Object.keys(state.students).length >= CLASS_LIMITS.students)
        return { key: 'class.error.full', params: { n: CLASS_LIMITS.students } };
      const bad = checkName(input.name);
      if (bad) return bad;
      // One seat per name: "Zoé" and "zoe " are the same student on the roster.
      const seat = nameKey(input.name);
      if (Object.values(state.students).some((s) => nameKey(s.name) === seat))
        return { key: 'class.error.name-taken', params: { name: input.name.trim() } };
      return null;
    }
    case 'go': {
      const item = state.items[input.item];
      if (!item) return { key: 'class.error.position' };
      const last = item.kind === 'scenario' ? item.steps : 0;
      if (!Number.isInteger(input.step) || input.step < 0 || input.step > last) return { key: 'class.error.position' };
      return null;
    }
    case 'ask': {
      const item = state.items[input.item];
      if (!item) return { key: 'class.error.position' };
      // A scenario's step 0 is "before the first message": nothing to predict.
      if (item.kind === 'scenario' && (input.step < 1 || input.step > item.steps)) return { key: 'class.error.nothing-to-ask' };
      if (item.kind === 'challenge' && input.step !== 0) return { key: 'class.error.position' };
      return null;
    }
    case 'reveal':
      return state.questions[input.key] ? null : { key: 'class.error.not-asked' };
    case 'hide-names':
    case 'end':
      return null;
    case 'answer': {
      if (!state.students[input.studentId]) return { key: 'class.error.not-joined' };
      const q = state.questions[input.key];
      if (q?.revealed) return { key: 'class.error.revealed' };
      if (!q || state.open !== input.key) return { key: 'class.error.not-open' };
      const item = state.items[q.item];
      if (item.kind === 'scenario') {
        if (!Array.isArray(input.queues) || input.queues.some((x) => !item.options.includes(x))) return { key: 'class.error.bad-answer' };
      } else if (typeof input.text !== 'string' || input.text.length > CLASS_LIMITS.answerText) {
        return { key: 'class.error.bad-answer' };
      }
      return null;
    }
  }
}

export function checkName(raw: string): Refusal | null {
  const name = raw.trim();
  if (name.length === 0) return { key: 'class.error.name-empty' };
  if ([...name].length > CLASS_LIMITS.name) return { key: 'class.error.name-long', params: { n: CLASS_LIMITS.name } };
  // Control characters (newlines, bidi overrides) would garble the list on the projector.
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(name)) return { key: 'class.error.name-chars' };
  return null;
}

/** Applies one input (in place) and answers whether it changed the class. */
export function apply(state: ClassState, input: ClassInput): boolean {
  if (refusal(state, input)) return false;
  state.seq += 1;
  state.lastActivity = Math.max(state.lastActivity, input.at);
  switch (input.type) {
    case 'join':
      state.students[input.studentId] ??= { id: input.studentId, name: input.name.trim(), tokenHash: input.tokenHash, joinedAt: input.at };
      break;
    case 'go':
      state.position = { item: input.item, step: input.step };
      // Moving on closes the question (its answers stay; reveal still works from the list).
      if (state.open !== questionKey(input.item, input.step)) state.open = null;
      break;
    case 'ask': {
      const key = questionKey(input.item, input.step);
      state.position = { item: input.item, step: input.step };
      state.questions[key] ??= {
        key,
        item: input.item,
        step: input.step,
        revealed: false,
        answers: {},
        ...(input.expected ? { expected: [...input.expected].sort() } : {}),
      };
      state.open = state.questions[key].revealed ? null : key;
      break;
    }
    case 'reveal':
      state.questions[input.key].revealed = true;
      if (state.open === input.key) state.open = null;
      break;
    case 'hide-names':
      state.hideNames = input.hidden;
      break;
    case 'answer': {
      const q = state.questions[input.key];
      // One answer per student and question: a second one replaces the first (until the reveal).
      q.answers[input.studentId] = input.queues
        ? { queues: [...new Set(input.queues)].sort(), right: sameSet(input.queues, q.expected ?? []), at: input.at }
        : { text: input.text ?? '', right: input.right, at: input.at };
      break;
    }
    case 'end':
      state.ended = true;
      state.open = null;
      break;
  }
  return true;
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

// --- what the pages see ---------------------------------------------------------

export interface TallyGroup {
  /** The queues chosen (scenario), or "solved"/"failed" (challenge). */
  label: string[];
  count: number;
  right: boolean;
}

export interface Tally {
  key: string;
  answers: number;
  right: number;
  groups: TallyGroup[];
}

/** How many answered, how many chose each set of queues, how many are right. */
export function tally(q: Question): Tally {
  const groups = new Map<string, TallyGroup>();
  let right = 0;
  for (const a of Object.values(q.answers)) {
    if (a.right) right += 1;
    const label = a.queues ?? [a.right ? 'solved' : 'failed'];
    const id = JSON.stringify(label);
    const g = groups.get(id) ?? { label, count: 0, right: a.right };
    g.count += 1;
    groups.set(id, g);
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.label.join().localeCompare(b.label.join()));
  return { key: q.key, answers: Object.keys(q.answers).length, right, groups: sorted };
}

/** For each revealed question, how many answered and how many were right. */
export function countsOfRevealed(state: ClassState): Map<string, { answers: number; right: number }> {
  const out = new Map<string, { answers: number; right: number }>();
  for (const q of Object.values(state.questions)) {
    if (!q.revealed) continue;
    let answers = 0;
    let right = 0;
    for (const a of Object.values(q.answers)) {
      answers += 1;
      if (a.right) right += 1;
    }
    out.set(q.key, { answers, right });
  }
  return out;
}

/** A student's score over the class: right answers out of the questions revealed. */
export function score(state: ClassState, studentId: string): { right: number; asked: number } {
  let right = 0;
  let asked = 0;
  for (const q of Object.values(state.questions)) {
    if (!q.revealed) continue;
    asked += 1;
    if (q.answers[studentId]?.right) right += 1;
  }
  return { right, asked };
}

export interface TeacherView {
  role: 'teacher';
  code: string;
  items: ClassItem[];
  position: { item: number; step: number };
  open: string | null;
  hideNames: boolean;
  ended: boolean;
  students: number;
  /** The question at the teacher's position (asked or not yet). */
  question: null | (Tally & { revealed: boolean; expected?: string[]; who?: { name: string; right: boolean; answer: string }[] });
  names: string[];
}

export function teacherView(state: ClassState): TeacherView {
  const key = questionKey(state.position.item, state.position.step);
  const q = state.questions[key];
  const students = Object.values(state.students);
  return {
    role: 'teacher',
    code: state.code,
    items: state.items,
    position: state.position,
    open: state.open,
    hideNames: state.hideNames,
    ended: state.ended,
    students: students.length,
    names: state.hideNames ? [] : students.map((s) => s.name),
    question: q
      ? {
          ...tally(q),
          revealed: q.revealed,
          ...(q.revealed && q.expected ? { expected: q.expected } : {}),
          // Who got it: shown after the reveal, and only while names are shown.
          ...(q.revealed && !state.hideNames
            ? {
                who: Object.entries(q.answers).map(([id, a]) => ({
                  name: state.students[id]?.name ?? '?',
                  right: a.right,
                  answer: a.queues ? a.queues.join(' ') : (a.text ?? ''),
                })),
              }
            : {}),
        }
      : null,
  };
}

export interface StudentView {
  role: 'student';
  code: string;
  name: string;
  items: ClassItem[];
  position: { item: number; step: number };
  open: string | null;
  ended: boolean;
  /** Challenges graded as they are sent (else at the reveal). */
  instantFeedback: boolean;
  score: { right: number; asked: number };
  /** Every question so far: whether it is revealed, the right queues once revealed, and this student's own answer. */
  questions: Record<
    string,
    {
      revealed: boolean;
      expected?: string[];
      mine?: { queues?: string[]; text?: string; right?: boolean };
      rightCount?: number;
      answers?: number;
    }
  >;
}

/**
 * `revealedCounts`: how each revealed question went (countsOfRevealed), computed
 * once when a step goes to every student — per view it was most of a 220-student broadcast.
 */
export function studentView(state: ClassState, studentId: string, revealedCounts = countsOfRevealed(state)): StudentView | null {
  const me = state.students[studentId];
  if (!me) return null;
  const questions: StudentView['questions'] = {};
  for (const q of Object.values(state.questions)) {
    const mine = q.answers[studentId];
    // Counts only: a student is told how the class did, not how it split.
    const t = revealedCounts.get(q.key) ?? null;
    questions[q.key] = {
      revealed: q.revealed,
      ...(q.revealed && q.expected ? { expected: q.expected } : {}),
      // Before the reveal a student sees what they sent, not whether it is right (but with instant feedback on a challenge).
      ...(mine ? { mine: q.revealed || (mine.text !== undefined && gradedAtOnce(state)) ? { ...mine } : answerOnly(mine) } : {}),
      // How the class did, in numbers; who was right is the projector's to show, never another student's page.
      ...(t ? { rightCount: t.right, answers: t.answers } : {}),
    };
  }
  return {
    role: 'student',
    code: state.code,
    name: me.name,
    items: state.items,
    position: state.position,
    open: state.open,
    ended: state.ended,
    instantFeedback: gradedAtOnce(state),
    score: score(state, studentId),
    questions,
  };
}

/** Whether a challenge's grade goes to the student as they send (the teacher chose instant feedback). */
export function gradedAtOnce(state: ClassState): boolean {
  return state.instantFeedback === true;
}

/** A student's answer without its verdict. */
function answerOnly(mine: Answer): { queues?: string[]; text?: string } {
  return mine.text !== undefined ? { text: mine.text } : { queues: mine.queues ?? [] };
}

/** A name as the roster tells names apart: without case, accents or surrounding spaces. */
export function nameKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
}
