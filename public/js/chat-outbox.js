// Messages on their way out, in order. A message the server could not hand
// to the broker (503: broker away; 429; no answer) waits, marked as waiting,
// and goes again when the broker is back — with the same id, so that if the
// first attempt did reach the broker, the recipient still shows it once.
// A refusal (4xx) is final and shown with its reason.
export function createOutbox({ post, onUpdate }) {
  const queue = [];
  let busy = false;
  let waiting = false;
  let retryTimer = null;

  async function pump() {
    if (busy || waiting) return;
    busy = true;
    while (queue.length > 0) {
      const item = queue[0];
      const result = await post(item.body);
      if (result.ok) {
        queue.shift();
        onUpdate(item.id, 'sent', result);
      } else if (result.retry) {
        for (const waitingItem of queue) onUpdate(waitingItem.id, 'waiting', {});
        waiting = true;
        // Also retry on a timer, in case the "broker is back" news is missed.
        retryTimer = setTimeout(resume, 3000);
        break;
      } else {
        queue.shift();
        onUpdate(item.id, 'refused', result);
      }
    }
    busy = false;
  }

  function resume() {
    clearTimeout(retryTimer);
    waiting = false;
    pump();
  }

  return {
    push(id, body) {
      queue.push({ id, body });
      if (waiting) onUpdate(id, 'waiting', {});
      pump();
    },
    resume,
  };
}
