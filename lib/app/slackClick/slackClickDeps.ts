import type { OwnerTagKeys } from '../../domain/owner';
import type { PolicySetup } from '../../domain/policy/evaluatePool';
import type { SlackDirectory } from '../../ports/slackDirectory';
import type { Telemetry } from '../../ports/telemetry';
import type { UsageStats } from '../../ports/usageStats';
import type { ActionDeps } from '../applyPoolAction';

export interface SlackClickDeps extends ActionDeps {
  /** The policy in force for this invocation (rule, caps, working hours, kill switch). */
  readonly setup: () => PolicySetup;
  readonly stats: UsageStats;
  readonly tagKeys: OwnerTagKeys;
  /** Slack user ids allowed to act on any pool. */
  readonly admins: ReadonlySet<string>;
  readonly snoozeSeconds: number;
  readonly directory: SlackDirectory;
  readonly telemetry: Telemetry;
}
