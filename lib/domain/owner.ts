/** Which job tags name the owner, their team and where to reach them. First present key wins. */
export interface OwnerTagKeys {
  readonly owner: readonly string[];
  readonly team: readonly string[];
  readonly email: readonly string[];
  readonly slackChannel: readonly string[];
  readonly slackUser: readonly string[];
}

export const DEFAULT_OWNER_TAG_KEYS: OwnerTagKeys = {
  owner: ['owner', 'poolwarden:owner', 'Owner'],
  team: ['team', 'poolwarden:team', 'Team'],
  email: ['email', 'owner-email', 'poolwarden:email'],
  slackChannel: ['slack-channel', 'poolwarden:slack-channel'],
  slackUser: ['slack-user', 'poolwarden:slack-user'],
};

export interface OwnerIdentity {
  readonly owner?: string;
  readonly team?: string;
  readonly email?: string;
  readonly slackChannel?: string;
  readonly slackUser?: string;
}

const firstTag = (tags: Readonly<Record<string, string>>, keys: readonly string[]): string | undefined => {
  for (const key of keys) {
    const value = tags[key]?.trim();
    if (value) return value;
  }
  return undefined;
};

export const resolveOwner = (tags: Readonly<Record<string, string>>, keys: OwnerTagKeys): OwnerIdentity => {
  const identity: {
    -readonly [K in keyof OwnerIdentity]: OwnerIdentity[K];
  } = {};
  const owner = firstTag(tags, keys.owner);
  const team = firstTag(tags, keys.team);
  const email = firstTag(tags, keys.email);
  const slackChannel = firstTag(tags, keys.slackChannel);
  const slackUser = firstTag(tags, keys.slackUser);
  if (owner) identity.owner = owner;
  if (team) identity.team = team;
  if (email) identity.email = email;
  if (slackChannel) identity.slackChannel = slackChannel;
  if (slackUser) identity.slackUser = slackUser;
  return identity;
};
