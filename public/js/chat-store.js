// What this browser remembers, per name: the token that proves it took the
// name (so the same browser gets the same inbox back, and no other browser
// can), and the last lines it showed (a reopened tab shows the conversation,
// and nothing twice). localStorage is per origin; it may be unavailable
// (private mode, quota): then the page still works, it just forgets.
const PREFIX = 'xtp-chat:';
const HISTORY_MAX = 200;

function read(key) {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(PREFIX + key, value);
  } catch {
    // forgetting is acceptable; failing is not
  }
}

export function loadToken(name) {
  return read(`token:${name}`);
}

export function saveToken(name, token) {
  write(`token:${name}`, token);
}

/** The names this browser has taken (it holds their tokens): suggestions for the name field. */
export function knownNames() {
  try {
    return Object.keys(localStorage)
      .filter((k) => k.startsWith(`${PREFIX}token:`))
      .map((k) => k.slice(`${PREFIX}token:`.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The name to fill in: this tab's own (sessionStorage is per tab, so two
 * tabs of two people keep theirs across a reload), else the last one this
 * browser used (a tab closed and opened again, a new tab).
 */
export function tabName() {
  try {
    return sessionStorage.getItem(`${PREFIX}tab-name`) ?? read('last-name') ?? '';
  } catch {
    return read('last-name') ?? '';
  }
}

export function saveTabName(name) {
  write('last-name', name);
  try {
    sessionStorage.setItem(`${PREFIX}tab-name`, name);
  } catch {
    // not remembered: the user types the name again
  }
}

/**
 * Messages not yet confirmed by the broker, per name: they outlive the tab,
 * and the next tab of that person sends them (same id: the server publishes
 * an id once, the pages show it once).
 */
export function loadOutbox(name) {
  try {
    const items = JSON.parse(read(`outbox:${name}`) ?? '[]');
    return Array.isArray(items) ? items.filter((i) => i && typeof i.id === 'string' && i.body && i.line) : [];
  } catch {
    return [];
  }
}

export function keepInOutbox(name, item) {
  const items = loadOutbox(name).filter((i) => i.id !== item.id);
  items.push(item);
  write(`outbox:${name}`, JSON.stringify(items));
}

export function dropFromOutbox(name, id) {
  const items = loadOutbox(name);
  const rest = items.filter((i) => i.id !== id);
  if (rest.length !== items.length) write(`outbox:${name}`, JSON.stringify(rest));
}

export function loadHistory(name) {
  try {
    const lines = JSON.parse(read(`history:${name}`) ?? '[]');
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
}

/** Adds a line unless one with its id is stored already (another tab of the same name may have). */
export function appendHistory(name, line) {
  const lines = loadHistory(name);
  if (lines.some((l) => l.id === line.id)) return;
  lines.push(line);
  write(`history:${name}`, JSON.stringify(lines.slice(-HISTORY_MAX)));
}
