import type { Policy } from '../../lib/domain/policy/policy';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';

/** A policy from YAML text, for tests whose policy must be valid: a bad one fails with the parser's message. */
export const policyOf = (text: string): Policy => {
  const result = parsePolicy(text, 'policy.yaml');
  if (!result.ok) throw new Error(formatPolicyErrors(result.errors));
  return result.policy;
};
