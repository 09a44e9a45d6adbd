import type { SubmitRequest } from '../../devtools/local/sagemaker/emulatedJob';
import { type Overrides, withOverrides } from './overrides';

/** A 10-minute job asking for a 10-minute keep-alive, as the emulator's runner submits it. */
export const sampleSubmission = (name: string, overrides: Overrides<SubmitRequest> = {}): SubmitRequest =>
  withOverrides<SubmitRequest>(
    {
      name,
      durationSeconds: 600,
      outcome: 'Completed',
      roleArn: 'arn:aws:iam::123456789012:role/training',
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 50,
      keepAliveSeconds: 600,
    },
    overrides,
  );
