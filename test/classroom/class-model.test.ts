import assert from 'node:assert/strict';
import {
  apply,
  createClass,
  refusal,
  score,
  studentView,
  tally,
  teacherView,
  type ClassInput,
  type ClassState,
} from '../../src/classroom/class-model.js';
import { CLASS_LIMITS } from '../../src/classroom/limits.js';

const items = [
  { kind: 'scenario' as const, id: 'direct', steps: 4, options: ['Q1', 'Q2'] },
  { kind: 'challenge' as const, id: 'topic-star' },
];
const fresh = (): ClassState => createClass({ code: 'ABCDEF', teacherKeyHash: 'k', items, at: 0 });
const join = (id: string, name = id): ClassInput => ({ type: 'join', studentId: id, name, tokenHash: `h-${id}`, at: 1 });
const answer = (id: string, queues: string[], key = '0.1'): ClassInput => ({
  type: 'answer',
  studentId: id,
  key,
  queues,
  right: false,
  at: 2,
});

function classWithQuestion(): ClassState {
  const s = fresh();
  for (const id of ['ana', 'ben', 'chloé']) apply(s, join(id));
  apply(s, { type: 'go', item: 0, step: 1, at: 1 });
  apply(s, { type: 'ask', item: 0, step: 1, expected: ['Q2', 'Q1'], at: 1 });
  return s;
}

describe('the class model', () => {
  it('counts one answer per student and question: a second answer replaces the first', () => {
    const s = classWithQuestion();
    apply(s, answer('ana', ['Q2']));
    apply(s, answer('ana', ['Q1', 'Q2']));
    apply(s, answer('ben', ['Q2']));
    const t = tally(s.questions['0.1']);
    assert.equal(t.answers, 2);
    assert.equal(t.right, 1);
    assert.deepEqual(
      t.groups.map((g) => [g.label, g.count, g.right]),
      [
        [['Q1', 'Q2'], 1, true],
        [['Q2'], 1, false],
      ],
    );
  });

  it('groups equal sets of queues whatever their order, and counts "nowhere" as its own set', () => {
    const s = classWithQuestion();
    apply(s, answer('ana', ['Q2', 'Q1']));
    apply(s, answer('ben', ['Q1', 'Q2']));
    apply(s, answer('chloé', []));
    assert.deepEqual(
      tally(s.questions['0.1']).groups.map((g) => [g.label, g.count]),
      [
        [['Q1', 'Q2'], 2],
        [[], 1],
      ],
    );
  });

  it('refuses answers after the reveal, on a question not open, with unknown queues, or from someone not in the class', () => {
    const s = classWithQuestion();
    assert.equal(refusal(s, answer('zoé', ['Q1']))?.key, 'class.error.not-joined');
    assert.equal(refusal(s, answer('ana', ['Q9']))?.key, 'class.error.bad-answer');
    assert.equal(refusal(s, answer('ana', ['Q1'], '0.2'))?.key, 'class.error.not-open');
    apply(s, { type: 'reveal', key: '0.1', at: 3 });
    assert.equal(refusal(s, answer('ana', ['Q1']))?.key, 'class.error.revealed');
    assert.equal(apply(s, answer('ana', ['Q1'])), false);
    assert.equal(tally(s.questions['0.1']).answers, 0);
  });

  it('applies the same input twice as once (a failover redelivers)', () => {
    const s = classWithQuestion();
    const before = structuredClone(s);
    apply(s, join('ana'));
    apply(s, { type: 'go', item: 0, step: 1, at: 1 });
    apply(s, { type: 'ask', item: 0, step: 1, expected: ['Q1', 'Q2'], at: 1 });
    assert.deepEqual({ ...s, seq: 0 }, { ...before, seq: 0 });
  });

  it('scores each student over the revealed questions', () => {
    const s = classWithQuestion();
    apply(s, answer('ana', ['Q1', 'Q2']));
    apply(s, answer('ben', ['Q1']));
    assert.deepEqual(score(s, 'ana'), { right: 0, asked: 0 });
    apply(s, { type: 'reveal', key: '0.1', at: 3 });
    assert.deepEqual(score(s, 'ana'), { right: 1, asked: 1 });
    assert.deepEqual(score(s, 'ben'), { right: 0, asked: 1 });
    assert.deepEqual(score(s, 'chloé'), { right: 0, asked: 1 });
  });

  it('tells a student neither the answer nor their verdict before the reveal, nor others’ names ever', () => {
    const s = classWithQuestion();
    apply(s, answer('ana', ['Q1', 'Q2']));
    const before = studentView(s, 'ana')!;
    assert.deepEqual(before.questions['0.1'], { revealed: false, mine: { queues: ['Q1', 'Q2'] } });
    apply(s, { type: 'hide-names', hidden: true, at: 3 });
    apply(s, { type: 'reveal', key: '0.1', at: 3 });
    const after = studentView(s, 'ana')!;
    assert.equal(after.questions['0.1'].mine?.right, true);
    assert.deepEqual(after.questions['0.1'].expected, ['Q1', 'Q2']);
    assert.doesNotMatch(JSON.stringify(after), /ben|chloé/);
    assert.equal(teacherView(s).question?.who, undefined);
    assert.deepEqual(teacherView(s).names, []);
    apply(s, { type: 'hide-names', hidden: false, at: 4 });
    assert.deepEqual(
      teacherView(s).question?.who?.map((w) => w.name),
      ['ana'],
    );
    // Names shown or not, who was right is the projector's: never in a student's view.
    assert.doesNotMatch(JSON.stringify(studentView(s, 'ana')), /"who"/);
  });

  it('never shows a student’s token hash or the teacher key hash in a view', () => {
    const s = classWithQuestion();
    const views = JSON.stringify([teacherView(s), studentView(s, 'ana')]);
    assert.doesNotMatch(views, /h-ana|teacherKeyHash|tokenHash/);
  });

  it('keeps the teacher inside the lesson: no step past the last, no question before the first message', () => {
    const s = fresh();
    assert.equal(refusal(s, { type: 'go', item: 0, step: 5, at: 1 })?.key, 'class.error.position');
    assert.equal(refusal(s, { type: 'go', item: 2, step: 0, at: 1 })?.key, 'class.error.position');
    assert.equal(refusal(s, { type: 'go', item: 1, step: 1, at: 1 })?.key, 'class.error.position');
    assert.equal(refusal(s, { type: 'ask', item: 0, step: 0, at: 1 })?.key, 'class.error.nothing-to-ask');
    assert.equal(refusal(s, { type: 'ask', item: 1, step: 0, at: 1 }), null);
  });

  it('bounds a class to 500 students, and refuses empty, long or control-character names', () => {
    const s = fresh();
    for (let i = 0; i < CLASS_LIMITS.students; i++) assert.equal(apply(s, join(`s${i}`, `student ${i}`)), true);
    assert.deepEqual(refusal(s, join('one-more')), { key: 'class.error.full', params: { n: 500 } });
    assert.equal(refusal(s, join('s3')), null, 'the same join again is no new student');
    const t = fresh();
    assert.equal(refusal(t, join('a', '   '))?.key, 'class.error.name-empty');
    assert.equal(refusal(t, join('a', 'x'.repeat(41)))?.key, 'class.error.name-long');
    assert.equal(refusal(t, join('a', 'Ana\nBen'))?.key, 'class.error.name-chars');
    assert.equal(refusal(t, join('a', 'Ana\u202eneB'))?.key, 'class.error.name-chars');
    assert.equal(refusal(t, join('a', '<b>Zoé</b>')), null, 'markup is text, shown as text');
  });

  it('refuses everything once the class has ended', () => {
    const s = classWithQuestion();
    apply(s, { type: 'end', at: 9 });
    assert.equal(refusal(s, answer('ana', ['Q1']))?.key, 'class.error.ended');
    assert.equal(refusal(s, { type: 'go', item: 0, step: 2, at: 9 })?.key, 'class.error.ended');
  });
});
