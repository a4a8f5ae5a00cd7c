// Calls to the gateway with the operator's token, and its problem details as readable errors.
const tokenKey = 'steward.token';

export const session = {
  token: () => sessionStorage.getItem(tokenKey),
  signIn: (token) => sessionStorage.setItem(tokenKey, token),
  signOut: () => sessionStorage.removeItem(tokenKey),
};

let unauthorized = () => {};
/** Called when a call is refused with 401 after sign-in (the token was removed from operators.json, say). */
export function onUnauthorized(handler) { unauthorized = handler; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

/** One line from an RFC 7807 problem: status, title, detail, and the fields a 400 names. */
function describe(status, problem) {
  const head = problem?.title ? `${status} ${problem.title}` : `HTTP ${status}`;
  const fields = Object.entries(problem?.errors ?? {}).map(([field, messages]) => `${field}: ${[].concat(messages).join('; ')}`);
  return [head, problem?.detail, ...fields].filter(Boolean).join(' — ');
}

/** A JSON call; resolves to the body, rejects with an ApiError naming what the gateway said. */
export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${session.token()}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401) unauthorized(error);
    throw error;
  }
  return data;
}

/**
 * A server-sent event stream. EventSource cannot send an Authorization header, so the token goes as ?access_token=,
 * which the gateway takes on event streams only (and the page sets Referrer-Policy: no-referrer). EventSource resumes
 * by itself after a dropped connection, sending Last-Event-ID.
 */
export function stream(path) {
  const separator = path.includes('?') ? '&' : '?';
  return new EventSource(`${path}${separator}access_token=${encodeURIComponent(session.token())}`);
}

/**
 * Listens to the given event kinds. A stream's "error" kind and EventSource's own connection error share a name: a
 * connection error has no data, and goes to onConnection with the source's state instead.
 */
export function listen(source, handlers, onConnection = () => {}) {
  for (const [kind, handler] of Object.entries(handlers)) {
    source.addEventListener(kind, (e) => { if (typeof e.data === 'string') handler(JSON.parse(e.data)); });
  }
  source.addEventListener('error', (e) => { if (typeof e.data !== 'string') onConnection(source.readyState); });
  source.addEventListener('open', () => onConnection(source.readyState));
}
