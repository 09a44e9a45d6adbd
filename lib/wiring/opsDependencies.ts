import { type AwsClientOptions, documentClient, sageMakerClient } from '../adapters/awsClients';
import { DynamoDecisionLog } from '../adapters/dynamo/dynamoDecisionLog';
import { DynamoLedger } from '../adapters/dynamo/dynamoLedger';
import { DynamoNotificationLog } from '../adapters/dynamo/dynamoNotificationLog';
import { SageMakerTrainingJobs } from '../adapters/sagemaker/sageMakerTrainingJobs';
import type { ActionDeps } from '../app/applyPoolAction';
import type { Clock } from '../ports/clock';
import type { PoolwardenConfig } from './config/config';
import { opsKillSwitch, ssmClient } from './opsKillSwitch';
import { SpokeClients } from './spokeClients';

/** Where the operator's AWS (or the local stack) is: region, credentials, explicit endpoints. */
export interface OpsAws {
  readonly region?: string;
  readonly credentials?: AwsClientOptions['credentials'];
  readonly endpoints?: { readonly dynamodb: string; readonly sagemaker: string };
}

export interface OpsDependencies {
  readonly ledger: DynamoLedger;
  readonly decisions: DynamoDecisionLog;
  readonly notices: DynamoNotificationLog;
  /** The operator's own account and region (`poolwarden import` reads its history). */
  readonly trainingJobs: SageMakerTrainingJobs;
  /** Actions reach a pool of another account through its spoke role, as the functions do. */
  readonly actionDeps: ActionDeps;
}

/** What the ops CLI reads and acts through, from the one configuration. */
export const opsDependencies = (config: PoolwardenConfig, aws: OpsAws, clock: Clock): OpsDependencies => {
  const base = {
    ...(aws.region ? { region: aws.region } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  };
  const dynamo = documentClient({ ...base, ...(aws.endpoints ? { endpoint: aws.endpoints.dynamodb } : {}) });
  const sagemaker = sageMakerClient({
    ...base,
    ...(aws.endpoints ? { endpoint: aws.endpoints.sagemaker } : {}),
  });
  const table = config.core.tableName;
  const ledger = new DynamoLedger(dynamo, table);
  const decisions = new DynamoDecisionLog(dynamo, table);
  const trainingJobs = new SageMakerTrainingJobs(sagemaker);
  return {
    ledger,
    decisions,
    notices: new DynamoNotificationLog(dynamo, table, { retentionDays: config.notify.retentionDays }),
    trainingJobs,
    actionDeps: {
      ledger,
      decisions,
      trainingJobs: config.core.home
        ? new SpokeClients(config.spokes, config.core.home, sagemaker).trainingJobs()
        : trainingJobs,
      clock,
      limits: config.core.limits,
      // The local stack has no SSM: its kill switch is the environment's (POOLWARDEN_KILL_SWITCH).
      killSwitch: opsKillSwitch(
        aws.endpoints ? { killSwitch: config.policy.killSwitch } : config.policy,
        () => ssmClient(aws.region),
      ),
    },
  };
};
