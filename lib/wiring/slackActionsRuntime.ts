import { BudgetedTrainingJobs } from '../adapters/sagemaker/budgetedTrainingJobs';
import { ResponseUrlReplies } from '../adapters/slack/responseUrlReplies';
import { WebApiDirectory } from '../adapters/slack/webApiDirectory';
import type { SlackActionDeps } from '../app/handleSlackAction';
import { loadCoreConfig, loadPolicyConfig } from '../config';
import { loadNotifyConfig } from '../notify/notifyConfig';
import type { Telemetry } from '../ports/telemetry';
import type { Runtime } from './runtime';
import {
  loadSlackActionsConfig,
  type SlackActionsConfig,
  signingSecretFetchData,
  signingSecretFrom,
} from './slackActionsConfig';
import { ssmFetchData } from './ssmParameters';

/**
 * Each SageMaker call of a click (the update, and the describe after a refusal) gives up after
 * this: with the ledger writes, the answer stays within Slack's 3 s whatever SageMaker does.
 */
const SAGEMAKER_CALL_BUDGET_MS = 1_000;

/**
 * The Slack actions function's dependencies: the shared Runtime (ledger, SageMaker, decision
 * log, policy, notifications) plus the Slack side (who is admin, the user directory, answers
 * through response_url). Built once per container from the environment.
 */
export class SlackActionsRuntime {
  readonly config: SlackActionsConfig;
  private readonly deps: SlackActionDeps;
  private signingSecret: string | undefined;

  constructor(
    readonly runtime: Runtime,
    telemetry: Telemetry,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    this.config = loadSlackActionsConfig(env);
    const core = loadCoreConfig(env);
    const notify = loadNotifyConfig(env);
    this.deps = {
      ...runtime.actionDeps(),
      trainingJobs: new BudgetedTrainingJobs(runtime.trainingJobs, SAGEMAKER_CALL_BUDGET_MS),
      setup: () => runtime.setup(),
      stats: runtime.stats,
      tagKeys: core.tagKeys,
      admins: this.config.admins,
      snoozeSeconds: this.config.snoozeSeconds,
      timeZone: notify.defaultTimeZone,
      directory: new WebApiDirectory({
        secrets: () => runtime.notify.slackSecrets.get(),
        ...(notify.slack.mode === 'bot' && notify.slack.apiUrl ? { apiUrl: notify.slack.apiUrl } : {}),
        timeoutMs: this.config.replyTimeoutMs,
      }),
      replies: new ResponseUrlReplies({
        timeoutMs: this.config.replyTimeoutMs,
        allowLoopback: this.config.loopbackReplies,
      }),
      onAction: runtime.onAction,
      notifyBudgetMs: this.config.notifyBudgetMs,
      telemetry,
    };
  }

  /** Reads what middy's ssm middleware fetched for this invocation (secrets, policy, kill switch). */
  refresh(context: object): void {
    this.runtime.refresh(context, this.env);
    this.signingSecret = signingSecretFrom(context, this.env);
  }

  secret(): string | undefined {
    return this.signingSecret;
  }

  actionDeps(): SlackActionDeps {
    return this.deps;
  }
}

/**
 * What the ssm middleware fetches for the deployed function: the shared parameters and the
 * signing secret. Computed when the module loads, so it never throws: a missing or malformed
 * setting fails the first invocation with the configuration's named message instead.
 */
export const slackActionsSsmFetchData = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  let signing: Record<string, string> = {};
  try {
    signing = signingSecretFetchData(loadSlackActionsConfig(env));
  } catch {
    // Reported by SlackActionsRuntime at cold start.
  }
  return { ...ssmFetchData(loadNotifyConfig(env), loadPolicyConfig(env)), ...signing };
};
