import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { JobLocation } from '../../lib/domain/jobLocation';
import { localAccessKeyId } from '../../lib/wiring/localStack';

/**
 * A SageMaker client on the emulator as another account and region's spoke role would reach it:
 * the emulator tells accounts apart by the access key. One attempt, so a refusal shows at once.
 * The caller destroys it.
 */
export const spokeSageMakerClient = (endpoint: string, location: JobLocation): SageMakerClient =>
  new SageMakerClient({
    endpoint,
    region: location.region,
    credentials: { accessKeyId: localAccessKeyId(location.account), secretAccessKey: 'local' },
    maxAttempts: 1,
  });
