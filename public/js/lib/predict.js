// Predict mode: before a step's outcome is shown, the class picks where the
// message will go (queues; in consumer scenarios, the consumers that get a
// delivery) — or "nowhere", which is an answer too; the page then reveals
// the answer and says who was right. A step revealed without any pick is
// "not answered": shown, never scored.
import { el } from './dom.js';

/** right when the picks are exactly the answer (an empty pick = "nowhere"). */
export function judge(picked, answer) {
  const a = new Set(answer);
  const p = new Set(picked);
  const right = a.size === p.size && [...a].every((x) => p.has(x));
  return {
    right,
    correct: [...p].filter((x) => a.has(x)),
    wrong: [...p].filter((x) => !a.has(x)),
    missed: [...a].filter((x) => !p.has(x)),
  };
}

export class PredictPanel {
  /** `panel` holds the question and the choices while a step is asked; `result` says who was right once it is revealed. */
  constructor(panel, result, options, t) {
    this.panel = panel;
    this.result = result;
    this.options = options;
    this.t = t;
    this.state = new Map(); // step → { picked: Set, nowhere: boolean, revealed: boolean, verdict }
    this.question = panel.querySelector('[data-predict-question]');
    this.hint = panel.querySelector('[data-predict-hint]');
    this.list = panel.querySelector('[data-predict-options]');
    this.revealButton = panel.querySelector('[data-action="reveal"]');
    this.score = { right: 0, asked: 0 };
  }

  entry(k) {
    if (!this.state.has(k)) this.state.set(k, { picked: new Set(), nowhere: false, revealed: false, verdict: null });
    return this.state.get(k);
  }

  /** Home: a new round, every step asked again and the score back to 0. */
  restart() {
    this.state.clear();
    this.score = { right: 0, asked: 0 };
  }

  /** A step the class already saw (predict mode switched on there): nothing to guess. */
  markShown(k) {
    const e = this.entry(k);
    if (!e.revealed) Object.assign(e, { revealed: true, verdict: null });
  }

  isPending(k) {
    return k > 0 && !this.entry(k).revealed;
  }

  /** Whether the class picked something (a queue, or "nowhere") for step k. */
  isAnswered(k) {
    const e = this.entry(k);
    return e.nowhere || e.picked.size > 0;
  }

  /** The names picked for step k (the diagram marks them). */
  picked(k) {
    return this.entry(k).picked;
  }

  toggle(k, name) {
    const e = this.entry(k);
    if (e.revealed) return;
    if (e.picked.has(name)) e.picked.delete(name);
    else e.picked.add(name);
    if (e.picked.size > 0) e.nowhere = false;
  }

  toggleNowhere(k) {
    const e = this.entry(k);
    if (e.revealed) return;
    e.nowhere = !e.nowhere;
    if (e.nowhere) e.picked.clear();
  }

  reveal(k, answer) {
    const e = this.entry(k);
    if (e.revealed) return e.verdict;
    e.revealed = true;
    if (!this.isAnswered(k)) {
      e.verdict = { unanswered: true, right: false, correct: [], wrong: [], missed: [...answer] };
      return e.verdict;
    }
    e.verdict = judge(e.picked, answer);
    this.score.asked += 1;
    if (e.verdict.right) this.score.right += 1;
    return e.verdict;
  }

  /** Predict mode off: neither the question nor the score. */
  hide() {
    this.panel.hidden = this.result.hidden = true;
  }

  /** Draws the panel for step k; `answer` only once revealed. */
  show(k, answer, kind = 'queues') {
    const e = k === 0 ? null : this.entry(k);
    this.panel.hidden = k === 0 || e.revealed;
    this.result.hidden = k === 0 || !e.revealed;
    if (k === 0) return;
    const consumers = kind === 'consumers';
    this.question.textContent = this.t(consumers ? 'predict.questionConsumers' : 'predict.question');
    this.hint.textContent = e.revealed ? '' : this.t(consumers ? 'predict.hintConsumers' : 'predict.hint');
    this.list.replaceChildren();
    for (const name of this.options) {
      const id = `predict-${k}-${name}`;
      const input = el('input', { type: 'checkbox', id, 'data-predict-option': name, disabled: e.revealed });
      input.checked = e.picked.has(name);
      const label = el('label', { for: id, class: 'predict-option' }, input, ' ', name);
      if (e.revealed && e.verdict) label.dataset.verdict = optionVerdict(e.verdict, name);
      this.list.append(label);
    }
    const nowhereId = `predict-${k}-nowhere`;
    const nowhere = el('input', { type: 'checkbox', id: nowhereId, 'data-predict-nowhere': '', disabled: e.revealed });
    nowhere.checked = e.nowhere;
    const nowhereLabel = el(
      'label',
      { for: nowhereId, class: 'predict-option predict-nowhere' },
      nowhere,
      ' ',
      this.t(consumers ? 'predict.nowhereConsumers' : 'predict.nowhere'),
    );
    if (e.revealed && e.verdict && !e.verdict.unanswered && answer) {
      nowhereLabel.dataset.verdict = e.nowhere ? (answer.length === 0 ? 'correct' : 'wrong') : answer.length === 0 ? 'missed' : 'none';
    }
    this.list.append(nowhereLabel);
    this.revealButton.hidden = e.revealed;
    this.result.replaceChildren();
    if (e.revealed && e.verdict && answer) {
      const none = this.t(consumers ? 'predict.nothingConsumers' : 'predict.nothing');
      const list = (xs) => (xs.length ? xs.join(', ') : none);
      const score = el('span', { class: 'predict-score' }, this.t('predict.score', { right: this.score.right, asked: this.score.asked }));
      if (e.verdict.unanswered) {
        this.result.dataset.verdict = 'unanswered';
        this.result.append(
          el('strong', {}, this.t('predict.unanswered')),
          ' ',
          this.t('predict.answer', { answer: list([...answer]) }),
          ' ',
          score,
        );
      } else {
        this.result.dataset.verdict = e.verdict.right ? 'right' : 'wrong';
        this.result.append(
          el('strong', {}, e.verdict.right ? this.t('predict.right') : this.t('predict.wrong')),
          ' ',
          this.t('predict.detail', { picked: list([...e.picked]), answer: list([...answer]) }),
          ' ',
          score,
        );
      }
    } else {
      delete this.result.dataset.verdict;
    }
  }
}

function optionVerdict(verdict, name) {
  if (verdict.correct.includes(name)) return 'correct';
  if (verdict.wrong.includes(name)) return 'wrong';
  if (verdict.missed.includes(name)) return 'missed';
  return 'none';
}
