// The why panel of a large topology: the bindings that matched — the path the
// message took — come first in each exchange's list; those that did not are
// folded under one line ("297 other bindings did not match"), open on
// demand. A small list (a few misses worth reading) stays as it is.
import { el } from './lib/dom.js';

/** Misses shown as they are up to this many; more are folded. */
const SHOWN_MISSES = 3;

export function foldWhy(container, t) {
  for (const list of container.querySelectorAll('.why-bindings')) {
    const items = [...list.children];
    const matched = items.filter((li) => li.dataset.matched === 'true');
    const missed = items.filter((li) => li.dataset.matched !== 'true');
    if (missed.length <= SHOWN_MISSES) {
      list.replaceChildren(...matched, ...missed);
      continue;
    }
    const folded = el(
      'details',
      { class: 'why-folded', 'data-why-folded': String(missed.length) },
      el('summary', {}, t('why.folded', { count: missed.length })),
      el('ul', { class: 'why-bindings' }, ...missed),
    );
    list.replaceChildren(...matched);
    list.after(folded);
  }
}
