import { DEFAULT_POLICY } from '../domain/policy/defaultPolicy';
import type { Policy } from '../domain/policy/policy';
import { formatPolicyErrors, parsePolicy } from '../policyFile/parsePolicy';
import type { Telemetry } from '../ports/telemetry';

export interface CurrentPolicy {
  readonly policy: Policy;
  /** Forced dry run: the policy text in force is invalid and nothing better is known. */
  readonly forceDryRun: boolean;
}

/**
 * The policy in force, read from a text that may change between invocations (an SSM
 * parameter). A text that does not parse never takes effect: the last valid policy stays, or,
 * when there is none, the default policy in dry run. The errors are logged with their lines.
 */
export class PolicySource {
  private lastText: string | undefined;
  private current: CurrentPolicy;

  constructor(
    private readonly telemetry: Telemetry,
    initial: Policy = DEFAULT_POLICY,
  ) {
    this.current = { policy: initial, forceDryRun: false };
  }

  update(text: string | undefined, source: string): CurrentPolicy {
    if (text === undefined || text === this.lastText) return this.current;
    this.lastText = text;
    const parsed = parsePolicy(text, source);
    if (parsed.ok) {
      this.current = { policy: parsed.policy, forceDryRun: false };
    } else {
      this.telemetry.error('the policy is invalid; keeping the last valid one', {
        source,
        errors: formatPolicyErrors(parsed.errors),
      });
      this.telemetry.count('PolicyInvalid');
      if (this.current.policy === DEFAULT_POLICY)
        this.current = { policy: DEFAULT_POLICY, forceDryRun: true };
    }
    return this.current;
  }

  get(): CurrentPolicy {
    return this.current;
  }
}
