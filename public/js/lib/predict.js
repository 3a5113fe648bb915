// Predict mode: before a step's outcome is shown, the class picks where the
// message will go (queues; in consumer scenarios, the consumers that get a
// delivery); the page then reveals the answer and says who was right.
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
  constructor(panel, options, t) {
    this.panel = panel;
    this.options = options;
    this.t = t;
    this.state = new Map(); // step → { picked: Set, revealed: boolean, verdict }
    this.question = panel.querySelector('[data-predict-question]');
    this.list = panel.querySelector('[data-predict-options]');
    this.result = panel.querySelector('[data-predict-result]');
    this.revealButton = panel.querySelector('[data-action="reveal"]');
    this.score = { right: 0, asked: 0 };
  }

  entry(k) {
    if (!this.state.has(k)) this.state.set(k, { picked: new Set(), revealed: false, verdict: null });
    return this.state.get(k);
  }

  /** A step the class already saw (predict mode switched on there): nothing to guess. */
  markShown(k) {
    const e = this.entry(k);
    if (!e.revealed) Object.assign(e, { revealed: true, verdict: null });
  }

  isPending(k) {
    return k > 0 && !this.entry(k).revealed;
  }

  toggle(k, name) {
    const e = this.entry(k);
    if (e.revealed) return;
    if (e.picked.has(name)) e.picked.delete(name);
    else e.picked.add(name);
    this.show(k, null);
  }

  reveal(k, answer) {
    const e = this.entry(k);
    if (e.revealed) return e.verdict;
    e.revealed = true;
    e.verdict = judge(e.picked, answer);
    this.score.asked += 1;
    if (e.verdict.right) this.score.right += 1;
    return e.verdict;
  }

  /** Draws the panel for step k; `answer` only once revealed. */
  show(k, answer, kind = 'queues') {
    this.panel.hidden = k === 0;
    if (k === 0) return;
    const e = this.entry(k);
    this.question.textContent = this.t(kind === 'consumers' ? 'predict.questionConsumers' : 'predict.question');
    this.list.replaceChildren();
    for (const name of this.options) {
      const id = `predict-${k}-${name}`;
      const input = el('input', { type: 'checkbox', id, 'data-predict-option': name, disabled: e.revealed });
      input.checked = e.picked.has(name);
      const label = el('label', { for: id, class: 'predict-option' }, input, ' ', name);
      if (e.revealed && e.verdict) {
        const v = e.verdict;
        label.dataset.verdict = v.correct.includes(name)
          ? 'correct'
          : v.wrong.includes(name)
            ? 'wrong'
            : v.missed.includes(name)
              ? 'missed'
              : 'none';
      }
      this.list.append(label);
    }
    this.revealButton.hidden = e.revealed;
    this.result.replaceChildren();
    if (e.revealed && e.verdict && answer) {
      const none = this.t('predict.nothing');
      const list = (xs) => (xs.length ? [...xs].join(', ') : none);
      this.result.dataset.verdict = e.verdict.right ? 'right' : 'wrong';
      this.result.append(
        el('strong', {}, e.verdict.right ? this.t('predict.right') : this.t('predict.wrong')),
        ' ',
        this.t('predict.detail', { picked: list(e.picked), answer: list(answer) }),
        ' ',
        el('span', { class: 'predict-score' }, this.t('predict.score', { right: this.score.right, asked: this.score.asked })),
      );
    } else {
      delete this.result.dataset.verdict;
    }
  }
}
