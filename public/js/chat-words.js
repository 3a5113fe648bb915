// The page's words come from the server (data-words), in the page's language.
export function translator(words) {
  return (key, params = {}) => (words[key] ?? key).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}
