import { randomBytes } from 'node:crypto';
import type { Request } from 'express';

export interface SignedInCashier {
  readonly cashierId: string;
  readonly name: string;
  readonly role: string;
}

/** The cookie that carries a browser's sign-in: HttpOnly, this site only. */
export const SESSION_COOKIE = 'zhucan_cashier';

/**
 * 收银员登录: a sign-in belongs to the browser that made it (a cookie), not to the terminal: another
 * browser opening the counter signs in anew. A session unused for `idleMs` ends by itself.
 */
export class CashierSessions {
  private readonly sessions = new Map<string, { cashier: SignedInCashier; lastSeen: number }>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for the cashier; the token goes into the cookie. */
  open(cashier: SignedInCashier): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { cashier, lastSeen: this.now() });
    return token;
  }

  /** The request's cashier, the session kept alive by the use; null when there is none or it ended. */
  use(request: Request): SignedInCashier | null {
    const session = this.live(tokenOf(request));
    if (session) session.lastSeen = this.now();
    return session?.cashier ?? null;
  }

  /** The cashier of a token, without keeping the session alive (what a page is shown). */
  peek(token: string | null): SignedInCashier | null {
    return this.live(token)?.cashier ?? null;
  }

  private live(token: string | null) {
    const session = token === null ? undefined : this.sessions.get(token);
    return session && !this.expired(session.lastSeen) ? session : null;
  }

  close(request: Request): void {
    const token = tokenOf(request);
    if (token !== null) this.sessions.delete(token);
  }

  /** Ends the sessions idle too long; answers whether any ended. */
  sweep(): boolean {
    let ended = false;
    for (const [token, session] of this.sessions)
      if (this.expired(session.lastSeen)) {
        this.sessions.delete(token);
        ended = true;
      }
    return ended;
  }

  private expired(lastSeen: number): boolean {
    return this.now() - lastSeen >= this.idleMs;
  }
}

/** The session token of a request's cookie, if it has one. */
export function tokenOf(request: Request): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}

export function sessionCookie(token: string | null): string {
  return token === null
    ? `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`
    : `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
