// Tiny DOM helpers. Every piece of text goes in through textContent (never
// innerHTML): scenario and user text is shown as text, always.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** el('p', { class: 'x', 'data-y': 1 }, 'text', child, …) */
export function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/** "Hello {name}" with {placeholders} filled in from params. */
export function format(text, params = {}) {
  const lang = document.documentElement.lang || 'en';
  return String(text).replace(/\{(\w+)\}/g, (m, name) => (name in params ? spell(params[name], lang) : m));
}

/** A number of five digits or more as the language writes it (1 048 576, 1,048,576); anything else as it is. */
export function spell(value, lang) {
  return typeof value === 'number' && Math.abs(value) >= 10000 ? new Intl.NumberFormat(lang).format(value) : String(value);
}

/**
 * A translator over the words the server put in a data attribute. Plurals as
 * the server reads them (src/web/i18n): a number in `count` (or `n`) picks
 * key_one / key_other by the page's language.
 */
export function wordsFrom(json, prefix) {
  const words = JSON.parse(json || '{}');
  const rules = new Intl.PluralRules(document.documentElement.lang || 'en');
  const word = (key, count) =>
    typeof count === 'number' ? (words[`${key}_${rules.select(count)}`] ?? words[`${key}_other`] ?? words[key]) : words[key];
  return (key, params = {}) => format(word(prefix + key, params.count ?? params.n) ?? key, params);
}

/** A routing key may wrap after a dot (or a comma), never inside a word: "a.<wbr>b.<wbr>c". */
export function breakable(text) {
  return text.split(/(?<=[.,])/).flatMap((part, i) => (i === 0 ? [part] : [el('wbr'), part]));
}
