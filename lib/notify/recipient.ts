import { type OwnerIdentity, type OwnerTagKeys, resolveOwner } from '../domain/owner';
import { isTimeZone } from '../domain/timeZone';

/** Who a message is for, from the job's tags. */
export interface Recipient extends OwnerIdentity {
  /** IANA zone every time in the message is shown in. */
  readonly timeZone: string;
  /** No tag names anyone to reach: the message goes to the configured default destination. */
  readonly unowned: boolean;
}

export interface RecipientRules {
  readonly tagKeys: OwnerTagKeys;
  /** Tags that may carry the owner's IANA time zone; first valid one wins. */
  readonly timeZoneTagKeys: readonly string[];
  readonly defaultTimeZone: string;
}

export const DEFAULT_TIME_ZONE_TAG_KEYS: readonly string[] = ['timezone', 'poolwarden:timezone', 'tz'];

/** A misspelt zone tag must not hide the message: it falls back to the default zone. */
const timeZoneOf = (tags: Readonly<Record<string, string>>, rules: RecipientRules): string => {
  for (const key of rules.timeZoneTagKeys) {
    const value = tags[key]?.trim();
    if (value && isTimeZone(value)) return value;
  }
  return rules.defaultTimeZone;
};

export const resolveRecipient = (
  tags: Readonly<Record<string, string>>,
  rules: RecipientRules,
): Recipient => {
  const identity = resolveOwner(tags, rules.tagKeys);
  return {
    ...identity,
    timeZone: timeZoneOf(tags, rules),
    unowned: !(identity.owner || identity.email || identity.slackChannel || identity.slackUser),
  };
};
