import { $ } from './dom.js';

/**
 * The bureau's session, the same on every page: one token per tab under the dashboard's key (signed
 * in on one page, signed in on the others), the sign-in form and sign-out button, and requests that
 * carry the token. What a page shows once signed in, or on a refusal, stays the page's own.
 */

const TOKEN_KEY = 'zhucan-dashboard-token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function keepToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A request the service refused (`status` with its problem+json body as `problem`), or `'unreachable'`. */
export class Refusal extends Error {
  constructor(status, problem = undefined, retryAfter = null) {
    super(String(status));
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/**
 * A request with the bearer token: `json` is sent as a JSON body, else `body` as it is with its
 * `contentType`; `language` asks for refusals in that language. Answers the response whatever its
 * status; throws a `Refusal('unreachable')` when the service cannot be reached (an abort stays one).
 */
export async function request(path, { method, json, body, contentType, language, signal } = {}) {
  const sent = json === undefined ? body : JSON.stringify(json);
  const type = json === undefined ? contentType : 'application/json';
  try {
    return await fetch(path, {
      method: method ?? (sent === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${token()}`,
        ...(language ? { 'accept-language': language } : {}),
        ...(type ? { 'content-type': type } : {}),
      },
      ...(sent === undefined ? {} : { body: sent }),
      signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new Refusal('unreachable');
  }
}

/** A response's JSON body, or undefined when it has none or it is not JSON. */
export async function jsonOf(response) {
  const text = await response.text().catch(() => '');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The refusal a response that is not ok stands for, with its problem+json body (undefined if none). */
export async function refusalOf(response) {
  return new Refusal(response.status, await jsonOf(response), response.headers.get('retry-after'));
}

/** `request`, answering only an ok response: any other is thrown as its `Refusal`. */
export async function ask(path, options) {
  const response = await request(path, options);
  if (!response.ok) throw await refusalOf(response);
  return response;
}

/**
 * Wires the sign-in form and the sign-out button: a token entered (trimmed) is kept and
 * `signIn()` called, none is said missing; signing out calls `signOut(message)`. `words()` are the page's.
 */
export function wireSignIn({ words, signIn, signOut }) {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const entered = $('token').value.trim();
    if (!entered) {
      $('sign-in-message').textContent = words().tokenMissing;
      return;
    }
    keepToken(entered);
    $('sign-in-message').textContent = '';
    signIn();
  });
  $('sign-out').addEventListener('click', () => signOut(words().signedOut));
}

/** The sign-in form in the page's place: the token forgotten, `message` said, the field emptied for another. */
export function showSignInForm(message = '') {
  forgetToken();
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-message').textContent = message;
  $('token').value = '';
  $('token').focus();
}

/** The sign-in form put away and the sign-out button shown: the token was good. */
export function showSignedIn() {
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
}

/** The sign-in form kept, saying `message`: the token could not be checked (not refused). */
export function sayAtSignIn(message) {
  $('sign-in').hidden = false;
  $('sign-in-message').textContent = message;
}

/** Who is signed in, as the page's header shows it: name (role). */
export function showViewer(viewer, roles) {
  $('viewer').textContent = viewer ? `${viewer.name}(${roles[viewer.role] ?? viewer.role})` : '';
}
