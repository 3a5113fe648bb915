// The tab's live channel: one WebSocket (not SSE — eight tabs of one browser
// would exhaust its 6 HTTP/1.1 connections per host). Reconnects by itself,
// says hello with the token each time, and carries acknowledgements back.
export function connectLive({ token, onEvent, onServerAway }) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/chat/live`;
  let ws = null;
  let closed = false;
  let delay = 500;
  let current = token;

  function open() {
    ws = new WebSocket(url);
    ws.addEventListener('open', () => {
      delay = 500;
      ws.send(JSON.stringify({ type: 'hello', token: current }));
    });
    ws.addEventListener('message', (e) => {
      let event;
      try {
        event = JSON.parse(e.data);
      } catch {
        return;
      }
      if (event.type === 'welcome') current = event.token;
      onEvent(event);
    });
    ws.addEventListener('close', () => {
      if (closed) return;
      onServerAway();
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    });
  }
  open();

  return {
    /** Lost with the socket if it is closed: the server then redelivers, and the page de-duplicates. */
    ack(ids) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ack', ids }));
    },
    setToken(t) {
      current = t;
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
