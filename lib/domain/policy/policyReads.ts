import type { Policy, RuleSettings } from './policy';

/**
 * The usage statistics that some rule of a policy can decide on. A statistic no rule names
 * changes no decision, no reason and no instant at which a decision changes, so the sweep
 * need not read it (each read is a DynamoDB request per owner or team, at every cache expiry).
 * Learnt gaps and a pool's own spend are not listed: every rule's keep-alive and pool cap
 * read them.
 */
export interface PolicyReads {
  /** An owner's last submission: evidence only where `extend.when.ownerActiveWithin` is on. */
  readonly ownerActivity: boolean;
  /** A team's idle spend today: only where `caps.idleSpendPerTeamPerDay` is set. */
  readonly teamSpend: boolean;
}

const everyRuleSettings = (policy: Policy): readonly RuleSettings[] => [
  policy.defaults,
  ...policy.rules.map((rule) => rule.settings),
];

export const policyReads = (policy: Policy): PolicyReads => {
  const settings = everyRuleSettings(policy);
  return {
    ownerActivity: settings.some((s) => s.extend.when.ownerActiveWithinSeconds !== null),
    teamSpend: settings.some((s) => s.caps.idleSpendPerTeamPerDayUsd !== null),
  };
};
