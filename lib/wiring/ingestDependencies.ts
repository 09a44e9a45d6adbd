import { documentClient, sageMakerClient } from '../adapters/awsClients';
import { DynamoLedger } from '../adapters/dynamo/dynamoLedger';
import { SageMakerTrainingJobs } from '../adapters/sagemaker/sageMakerTrainingJobs';
import type { FactReactor, ProcessDeps } from '../app/processJobStateChange';
import type { CoreConfig } from '../config';
import { type Clock, systemClock } from '../ports/clock';
import type { Telemetry } from '../ports/telemetry';

export interface IngestWiring {
  readonly telemetry: Telemetry;
  readonly clock?: Clock;
  readonly reactors?: readonly FactReactor[];
}

/** Wires the event ingest to real AWS clients; everything here is built once per container. */
export const ingestDependencies = (config: CoreConfig, wiring: IngestWiring): ProcessDeps => ({
  ledger: new DynamoLedger(documentClient(), config.tableName),
  trainingJobs: new SageMakerTrainingJobs(sageMakerClient()),
  clock: wiring.clock ?? systemClock,
  limits: config.limits,
  describeConcurrency: config.describeConcurrency,
  tagKeys: config.tagKeys,
  telemetry: wiring.telemetry,
  reactors: wiring.reactors ?? [],
});
