import type { JobLocation } from '../jobLocation';
import { matchesGlob } from './glob';
import {
  DEFAULTS_RULE_NAME,
  type Policy,
  type RuleMatch,
  type RuleSettings,
  type TagCondition,
} from './policy';

/** What rule selection looks at: the pool's head job, as PoolFacts carries it. */
export interface RuleSubject {
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceType?: string;
  readonly team?: string;
  readonly owner?: string;
  /** Where the pool is; unknown (a snapshot from before there were several accounts) matches no account or region list. */
  readonly location?: JobLocation;
}

export interface SelectedRule {
  /** Recorded with every decision: the rule's name, or "defaults". */
  readonly name: string;
  readonly settings: RuleSettings;
  /** Why this rule applies, for the decision's audit trail. */
  readonly matchedBy: string;
}

const tagHolds = (condition: TagCondition, tags: Readonly<Record<string, string>>): boolean =>
  condition.value === undefined
    ? Object.hasOwn(tags, condition.key)
    : tags[condition.key] === condition.value;

const describeTag = (condition: TagCondition): string =>
  condition.value === undefined ? `tag ${condition.key}` : `tag ${condition.key}=${condition.value}`;

/** The reasons a rule matches, or undefined when it does not. An empty match matches every pool. */
const matchReasons = (match: RuleMatch, subject: RuleSubject): string[] | undefined => {
  const reasons: string[] = [];
  for (const condition of match.tags) {
    if (!tagHolds(condition, subject.tags)) return undefined;
    reasons.push(describeTag(condition));
  }
  if (match.instanceTypes.length > 0) {
    const type = subject.instanceType;
    const glob = type === undefined ? undefined : match.instanceTypes.find((g) => matchesGlob(g, type));
    if (glob === undefined) return undefined;
    reasons.push(`instance type ${type} ~ ${glob}`);
  }
  if (match.teams.length > 0) {
    if (subject.team === undefined || !match.teams.includes(subject.team)) return undefined;
    reasons.push(`team ${subject.team}`);
  }
  if (match.owners.length > 0) {
    if (subject.owner === undefined || !match.owners.includes(subject.owner)) return undefined;
    reasons.push(`owner ${subject.owner}`);
  }
  const { accounts = [], regions = [] } = match;
  if (accounts.length > 0) {
    if (!subject.location || !accounts.includes(subject.location.account)) return undefined;
    reasons.push(`account ${subject.location.account}`);
  }
  if (regions.length > 0) {
    if (!subject.location || !regions.includes(subject.location.region)) return undefined;
    reasons.push(`region ${subject.location.region}`);
  }
  return reasons;
};

/** First match wins; no rule matches: the policy's defaults. */
export const selectRule = (policy: Policy, subject: RuleSubject): SelectedRule => {
  for (const rule of policy.rules) {
    const reasons = matchReasons(rule.match, subject);
    if (reasons) {
      return {
        name: rule.name,
        settings: rule.settings,
        matchedBy: reasons.length > 0 ? reasons.join(', ') : 'matches every pool',
      };
    }
  }
  return { name: DEFAULTS_RULE_NAME, settings: policy.defaults, matchedBy: 'no rule matched' };
};
