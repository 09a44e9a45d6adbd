import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { sageMakerClient } from '../adapters/awsClients';
import { LocatedCatalog } from '../adapters/sagemaker/locatedCatalog';
import { LocatedTrainingJobs } from '../adapters/sagemaker/locatedTrainingJobs';
import { SageMakerTrainingJobs } from '../adapters/sagemaker/sageMakerTrainingJobs';
import { errorMessage } from '../domain/errorMessage';
import { type JobLocation, locationLabel, partitionOf, sameLocation } from '../domain/jobLocation';
import type { AccountAccess } from '../ports/accountAccess';
import type { TrainingJobs } from '../ports/trainingJobs';
import type { WarmPoolCatalog } from '../ports/warmPoolCatalog';
import { assumedRoleCredentials } from './assumedRoleCredentials';
import type { SpokeConfig } from './config/config';

/** The hub could not assume an account's spoke role: that account waits, the others go on. */
export class SpokeUnreachableError extends Error {
  constructor(
    readonly location: JobLocation,
    readonly roleArn: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${locationLabel(location)}: assuming ${roleArn} failed: ${reason}`);
    this.name = 'SpokeUnreachableError';
  }
}

export const spokeRoleArn = (location: JobLocation, spokes: SpokeConfig): string =>
  `arn:${partitionOf(location.region)}:iam::${location.account}:role/${spokes.roleName}`;

interface Spoke {
  readonly client: SageMakerClient;
  readonly jobs: SageMakerTrainingJobs;
}

/**
 * SageMaker clients for the accounts and regions beyond the deployment's own, one per account
 * and region, built at first use and kept for the container's life. Each signs with the
 * account's spoke role, assumed with the external id; the SDK's provider refreshes the
 * temporary credentials before they expire.
 */
export class SpokeClients implements AccountAccess {
  private readonly spokes = new Map<string, Spoke>();

  constructor(
    private readonly config: SpokeConfig,
    private readonly home: JobLocation,
    private readonly homeClient: SageMakerClient,
    private readonly homeJobs: TrainingJobs = new SageMakerTrainingJobs(homeClient),
  ) {}

  /** Every job, wherever it lives, through the one TrainingJobs port. */
  trainingJobs(): TrainingJobs {
    return new LocatedTrainingJobs(this.home, this.homeJobs, (location) => this.spoke(location).jobs);
  }

  /** What another account and region's SageMaker holds, its jobs named as the ledger names them. */
  catalog(location: JobLocation): WarmPoolCatalog {
    return new LocatedCatalog(location, this.home, this.spoke(location).jobs);
  }

  client(location: JobLocation): SageMakerClient {
    return sameLocation(location, this.home) ? this.homeClient : this.spoke(location).client;
  }

  async check(location: JobLocation): Promise<void> {
    if (sameLocation(location, this.home)) return;
    const { credentials } = this.spoke(location).client.config;
    try {
      await credentials();
    } catch (error) {
      throw new SpokeUnreachableError(location, spokeRoleArn(location, this.config), errorMessage(error));
    }
  }

  private spoke(location: JobLocation): Spoke {
    const key = locationLabel(location);
    let spoke = this.spokes.get(key);
    if (!spoke) {
      const client = sageMakerClient({
        region: location.region,
        credentials: assumedRoleCredentials(
          {
            RoleArn: spokeRoleArn(location, this.config),
            RoleSessionName: 'poolwarden-hub',
            ...(this.config.externalId ? { ExternalId: this.config.externalId } : {}),
          },
          location.region,
        ),
      });
      spoke = { client, jobs: new SageMakerTrainingJobs(client) };
      this.spokes.set(key, spoke);
    }
    return spoke;
  }
}
