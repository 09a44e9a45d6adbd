import type { OwnerIdentity } from './owner';

/** Who clicked: Slack's user id, and their email when it was looked up. */
export interface SlackActor {
  readonly userId: string;
  readonly email?: string;
}

export type SlackAuthorization =
  | { readonly allowed: true; readonly as: 'owner' | 'admin'; readonly matchedBy: string }
  | { readonly allowed: false; readonly reason: string };

const sameEmail = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Only the pool's owner or a poolwarden admin may act on a pool from Slack. The owner is who
 * the job's tags name: a Slack user id (`slack-user`, or an `owner` tag holding one), or an
 * email (`email`, or an `owner` tag holding one) that must equal the clicking user's Slack
 * profile email. Admins are Slack user ids from the deployment's configuration.
 */
export const authorizeSlackActor = (
  owner: OwnerIdentity,
  actor: SlackActor,
  admins: ReadonlySet<string>,
): SlackAuthorization => {
  if (owner.slackUser === actor.userId) return { allowed: true, as: 'owner', matchedBy: 'Slack user tag' };
  if (owner.owner === actor.userId) return { allowed: true, as: 'owner', matchedBy: 'owner tag' };
  if (sameEmail(owner.email, actor.email)) return { allowed: true, as: 'owner', matchedBy: 'email tag' };
  if (sameEmail(owner.owner, actor.email))
    return { allowed: true, as: 'owner', matchedBy: 'owner tag (email)' };
  if (admins.has(actor.userId)) return { allowed: true, as: 'admin', matchedBy: 'poolwarden admin' };
  const named = [
    owner.slackUser ? `<@${owner.slackUser}>` : undefined,
    owner.email,
    owner.owner && owner.owner !== owner.email ? owner.owner : undefined,
  ].filter((x): x is string => x !== undefined);
  return {
    allowed: false,
    reason:
      named.length > 0
        ? `only the pool's owner (${named.join(', ')}) or a poolwarden admin may act on it`
        : 'the job names no owner, so only a poolwarden admin may act on it',
  };
};

/** Whether the clicking user's email could change the answer: only then is it worth looking up. */
export const emailCouldAuthorize = (owner: OwnerIdentity, actor: SlackActor, admins: ReadonlySet<string>) =>
  actor.email === undefined &&
  !authorizeSlackActor(owner, actor, admins).allowed &&
  (owner.email !== undefined || (owner.owner?.includes('@') ?? false));
