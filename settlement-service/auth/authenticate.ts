import type { Request } from 'express';
import { Problem } from '../../domain/problems/problem.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';
import type { BureauUser } from '../../domain/settlement/settlement.ts';
import { terminal, terminalStream } from '../../domain/terminals/terminal.ts';
import { bureauUser, userStream } from '../../domain/users/bureau-user.ts';
import type { Actor } from '../../event-store/port.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import { ANYONE, type RouteGuard } from '../http/route.ts';
import { constantTimeEqualHex, hashToken, USER_TOKEN_PREFIX } from '../security/tokens.ts';

/** Who is calling, as established from the bearer token. */
export type Principal =
  | { readonly role: 'admin' | 'reviewer' | 'auditor'; readonly userId: string; readonly name: string }
  | {
      readonly role: 'canteen-manager';
      readonly userId: string;
      readonly name: string;
      readonly canteenId: string;
    }
  | { readonly role: 'terminal'; readonly terminalId: string; readonly canteenId: string };

export type Role = Principal['role'];

/** The bureau admin of `ZHUCAN_ADMIN_TOKEN`: the built-in user every installation has. */
export const BUILT_IN_ADMIN = {
  role: 'admin',
  userId: 'bureau-admin',
  name: '系统管理员',
} as const satisfies Principal;

/** Who an event records as its cause. */
export function actorOf(principal: Principal): Actor {
  if (principal.role === 'terminal') return { type: 'terminal', terminalId: principal.terminalId };
  if (principal.userId === BUILT_IN_ADMIN.userId) return { type: 'admin', userId: principal.userId };
  return { type: 'bureau-user', userId: principal.userId, role: principal.role };
}

/**
 * Bearer tokens: the bureau admin's (from `ZHUCAN_ADMIN_TOKEN` or the data folder), and terminal
 * tokens `zt_<secret part>.<terminalId>`, whose hash is recorded with the terminal's registration.
 * Nothing is written for a refused request.
 */
/** Unknown tokens from one address within a minute before it must wait (guessing tokens is refused). */
export const MAX_FAILED_SIGN_INS = 20;
const FAILURE_WINDOW_MS = 60_000;

export class Authenticator {
  private readonly adminTokenHash: string;
  /** Per client address: when its recent unknown tokens were tried. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    adminToken: string,
    private readonly repository: AggregateRepository,
    private readonly now: () => number = Date.now,
  ) {
    this.adminTokenHash = hashToken(adminToken);
  }

  async authenticate(request: Request): Promise<Principal> {
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const at = this.now();
    const recent = (this.failures.get(address) ?? []).filter((time) => at - time < FAILURE_WINDOW_MS);
    if (recent.length >= MAX_FAILED_SIGN_INS) {
      const wait = Math.ceil((FAILURE_WINDOW_MS - (at - (recent[0] ?? at))) / 1000);
      throw problemFor(
        'too-many-attempts',
        `too many unknown tokens from this address; try again in ${wait} s`,
        { retryAfterSeconds: wait },
        { detail: `此地址登录失败次数过多，请 ${wait} 秒后再试` },
      );
    }
    try {
      return await this.identify(request);
    } catch (error) {
      // Only tokens presented and not known count: a client that sends none is not guessing.
      if (error instanceof Problem && error.status === 401 && request.get('authorization')) {
        recent.push(at);
        this.failures.set(address, recent);
        if (this.failures.size > 10_000) this.forgetOldFailures(at);
      }
      throw error;
    }
  }

  private forgetOldFailures(at: number): void {
    for (const [address, times] of this.failures) {
      if (times.every((time) => at - time >= FAILURE_WINDOW_MS)) this.failures.delete(address);
    }
  }

  private async identify(request: Request): Promise<Principal> {
    const token = /^Bearer (\S+)$/i.exec(request.get('authorization') ?? '')?.[1];
    if (!token) throw unauthenticated('a bearer token is required', '需要登录：请求须带 Bearer 令牌');
    const tokenHash = hashToken(token);
    if (constantTimeEqualHex(tokenHash, this.adminTokenHash)) return BUILT_IN_ADMIN;
    if (token.startsWith(USER_TOKEN_PREFIX) && token.indexOf('.') > 0) {
      const userId = token.slice(token.indexOf('.') + 1);
      const { state } = await this.repository.load(userStream(userId), bureauUser);
      if (state.status === 'registered' && constantTimeEqualHex(tokenHash, state.tokenHash)) {
        return state.role === 'canteen-manager'
          ? { role: state.role, userId, name: state.name, canteenId: state.canteenId ?? '' }
          : { role: state.role, userId, name: state.name };
      }
      throw unauthenticated('the token is not known', '令牌无效或已被撤销');
    }
    const terminalId = token.startsWith('zt_') ? token.slice(token.indexOf('.') + 1) : '';
    if (terminalId.length > 0 && token.indexOf('.') > 0) {
      const { state } = await this.repository.load(terminalStream(terminalId), terminal);
      if (state.status === 'registered' && constantTimeEqualHex(tokenHash, state.tokenHash)) {
        return { role: 'terminal', terminalId, canteenId: state.canteenId };
      }
    }
    throw unauthenticated('the token is not known', '令牌无效或已被撤销');
  }

  /**
   * A route guard: authenticates the caller against the route's declared callers (routes open to
   * `anyone` need no token) and keeps the principal for the handler (`principalOf`).
   */
  guard(): RouteGuard {
    return async (route, request) => {
      if (route.callers.includes(ANYONE)) return;
      principals.set(request, await this.require(request, ...(route.callers as Role[])));
    };
  }

  /** Authenticates and refuses every role not listed (403). */
  async require(request: Request, ...roles: readonly Role[]): Promise<Principal> {
    const principal = await this.authenticate(request);
    if (!roles.includes(principal.role)) {
      throw problemFor(
        'forbidden',
        `this needs one of: ${roles.join(', ')}`,
        {},
        {
          detail: `此操作需要以下角色之一：${roles.map((role) => ROLE_ZH[role] ?? role).join('、')}`,
        },
      );
    }
    return principal;
  }
}

const principals = new WeakMap<Request, Principal>();

/** The caller a route guard authenticated for this request. */
export function principalOf(request: Request): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('no principal: the route was mounted without the authentication guard');
  return principal;
}

function unauthenticated(detail: string, detailZh: string): Problem {
  return problemFor('unauthenticated', detail, {}, { detail: detailZh });
}

/** The roles as a refusal names them in Chinese. */
const ROLE_ZH: Partial<Record<Role, string>> = {
  admin: '管理员',
  reviewer: '审核员',
  auditor: '审计员',
  'canteen-manager': '食堂负责人',
  terminal: '收银终端',
};

/** The bureau user a route guard admitted, as decisions name them, and the context of their events. */
export function actingUser(request: Request): { by: BureauUser; context: EventContext } {
  const principal = principalOf(request);
  if (principal.role === 'terminal') throw new Error('the route guard admits bureau users only');
  return {
    by: { userId: principal.userId, name: principal.name },
    context: { actor: actorOf(principal), correlationId: request.get('x-request-id') ?? crypto.randomUUID() },
  };
}
