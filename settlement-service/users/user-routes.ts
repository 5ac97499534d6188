import { z } from 'zod';
import { canteen, canteenStream } from '../../domain/canteens/canteen.ts';
import { bureauUser, nextUserGeneration, USER_ROLES, userStream } from '../../domain/users/bureau-user.ts';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import type { AggregateRepository } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';
import { idSchema } from '../http/common-schemas.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import { deriveUserToken, hashToken } from '../security/tokens.ts';

const userBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(50).describe('the person, as signatures on statements name them'),
  role: z.enum(USER_ROLES),
  canteenId: idSchema.optional().describe('the canteen a canteen manager acts for'),
});

/**
 * 用户管理: the bureau admin names the people who review, approve, audit and manage canteens. Each
 * gets a token of its own; the same registration again answers the same token, and any change
 * (name, role, canteen) issues a new one and revokes the old.
 */
export function userRoutes(repository: AggregateRepository, tokenSecret: Buffer): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: '/api/v1/users/:userId',
      summary: 'Register a bureau or canteen user with one role and issue its token',
      tags: ['users'],
      callers: ['admin'],
      params: z.object({ userId: idSchema }),
      body: userBodySchema,
      success: {
        status: 201,
        schema: z.object({ userId: z.string(), role: z.enum(USER_ROLES), token: z.string() }),
      },
      problems: ['canteen-unknown'],
    }).implement(async ({ params, body, request }) => {
      const { userId } = params;
      const profile = { name: body.name, role: body.role, canteenId: body.canteenId ?? null };
      const token = await retryOnConflict(async () => {
        const { state, expectedRevision } = await repository.load(userStream(userId), bureauUser);
        const canteenRegistered =
          profile.canteenId !== null &&
          (await repository.load(canteenStream(profile.canteenId), canteen)).state.status === 'registered';
        const generation = nextUserGeneration(state, profile);
        const secretPart = deriveUserToken(tokenSecret, userId, profile.role, profile.canteenId, generation);
        const userToken = `${secretPart}.${userId}`;
        const events = bureauUser.decide(
          { userId, profile, canteenRegistered, tokenHash: hashToken(userToken) },
          state,
        );
        await repository.append(userStream(userId), events, expectedRevision, {
          actor: actorOf(principalOf(request)),
          correlationId: request.get('x-request-id') ?? crypto.randomUUID(),
        });
        return userToken;
      });
      return { status: 201, body: { userId, role: profile.role, token } };
    }),
  ];
}
