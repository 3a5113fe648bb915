// Who is in the room now, as this page has heard it from the broker: the
// presence notices of src/chat/presence.ts. Someone is present from their
// "join" (or any "here") until their "left", or until nothing has been heard
// of them for ttlMs (their server went away without a word). While this
// page's own link to the broker is away it hears nothing, so nobody expires
// then; when it is back, everyone gets a fresh ttl.
export function createPresence({ ttlMs, onJoined, onLeft, onChange }) {
  const heard = new Map(); // name → when last heard (ms)
  let self = null;
  let paused = false;

  function add(name, notice) {
    const known = heard.has(name);
    heard.set(name, Date.now());
    if (!known) {
      if (notice && name !== self) onJoined(name);
      onChange();
    }
  }

  function remove(name, silent) {
    if (name === self || !heard.delete(name)) return;
    onLeft(name, silent);
    onChange();
  }

  setInterval(
    () => {
      if (paused) return;
      const horizon = Date.now() - ttlMs;
      for (const [name, at] of [...heard]) if (at < horizon) remove(name, true);
    },
    Math.max(200, Math.min(5000, ttlMs / 6)),
  );

  return {
    setSelf(name) {
      self = name;
      heard.clear();
      add(name, false);
    },
    /** A message with a presence event: {event: 'join'|'here'|'left', from}. */
    hear(event, name) {
      if (!name) return;
      if (event === 'left') remove(name, false);
      else add(name, event === 'join');
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const now = Date.now();
      for (const name of heard.keys()) heard.set(name, now);
    },
    names() {
      return [...heard.keys()].sort((a, b) => a.localeCompare(b));
    },
  };
}
