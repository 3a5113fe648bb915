// A class page's live channel: one WebSocket (not SSE — thirteen tabs of one
// browser would exhaust its 6 HTTP/1.1 connections per host). Reconnects by
// itself and says who it is again each time (hello() gives the greeting).
export function connectClass({ hello, onMessage, onStatus }) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/class/live`;
  let ws = null;
  let closed = false;
  let delay = 500;

  function open() {
    ws = new WebSocket(url);
    ws.addEventListener('open', () => {
      delay = 500;
      onStatus('online');
      const greeting = hello();
      if (greeting) ws.send(JSON.stringify(greeting));
    });
    ws.addEventListener('message', (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    ws.addEventListener('close', () => {
      if (closed) return;
      onStatus('away');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    });
  }
  open();

  return {
    /** false when the socket is not open (the page says so). */
    send(message) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
