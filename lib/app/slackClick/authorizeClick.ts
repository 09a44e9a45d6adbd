import { errorMessage } from '../../domain/errorMessage';
import type { JobRecord } from '../../domain/jobRecord';
import { resolveOwner } from '../../domain/owner';
import {
  authorizeSlackActor,
  emailCouldAuthorize,
  type SlackActor,
  type SlackAuthorization,
} from '../../domain/slackAuthorization';
import type { SlackClickDeps } from './slackClickDeps';

/**
 * Step 1: may the clicking user act on this pool? The owner's email is looked up only when it
 * could change the answer. Comes first: someone else learns nothing about the pool's state.
 */
export const authorizeClick = async (
  deps: SlackClickDeps,
  head: JobRecord,
  userId: string,
): Promise<SlackAuthorization> => {
  const owner = resolveOwner(head.job?.tags ?? {}, deps.tagKeys);
  let actor: SlackActor = { userId };
  if (emailCouldAuthorize(owner, actor, deps.admins)) {
    const email = await deps.directory.emailOf(userId).catch((error: unknown) => {
      deps.telemetry.warn('could not look up the Slack user', { error: errorMessage(error) });
      return undefined;
    });
    if (email) actor = { ...actor, email };
  }
  return authorizeSlackActor(owner, actor, deps.admins);
};
