// The sandbox's calls to the server. Every refusal comes back as
// {"error": {"message", "path"}}; it is thrown as an Error with that message.
// The page's language goes as Accept-Language: the server words broker faults in it.
export async function call(path, body, { text = false } = {}) {
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': text ? 'text/plain; charset=utf-8' : 'application/json',
      accept: 'application/json',
      'accept-language': document.documentElement.lang,
    },
    body: text ? body : JSON.stringify(body),
  });
  const answer = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(answer?.error?.message ?? `HTTP ${res.status}`);
    err.path = answer?.error?.path;
    // A list over the limits: { what, max, count }, for the page's own words (sandbox-refusals.js).
    err.code = answer?.error?.code;
    err.params = answer?.error?.params;
    throw err;
  }
  return answer;
}

/** The sandbox's run: a refused declaration is left out and listed in `refusals`, the rest runs. */
export const runSandbox = (state) => call('/api/sandbox/run', { name: 'sandbox', definitions: state.topology, messages: state.messages });
export const importFile = (text, vhost) =>
  call(`/api/sandbox/import${vhost === undefined ? '' : `?vhost=${encodeURIComponent(vhost)}`}`, text, { text: true });
export const exportState = (state, vhost) => call('/api/sandbox/export', { ...state, vhost });
export const makeLink = (state) => call('/api/sandbox/link', state);
export const openLink = (link) => call('/api/sandbox/link/open', { link });
export const saveScenario = (state, meta) => call('/api/sandbox/scenario', { ...state, ...meta });

/** Offers text as a file download (no server round trip). */
export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
