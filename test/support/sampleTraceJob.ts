import type { TraceJob } from '../../lib/trace/traceJob';

/** One trace line of alice's vision team on ml.g5.xlarge, asking for 10 minutes of keep-alive. */
export const sampleTraceJob = (
  name: string,
  submitAtMs: number,
  durationSeconds: number,
  extra: Partial<TraceJob> = {},
): TraceJob => ({
  name,
  submitAt: new Date(submitAtMs).toISOString(),
  submitAtMs,
  durationSeconds,
  outcome: 'Completed',
  roleArn: 'arn:aws:iam::123456789012:role/sagemaker-vision',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 30,
  keepAliveSeconds: 600,
  tags: { owner: 'alice', team: 'vision' },
  vpc: { securityGroupIds: [], subnets: [] },
  volumeKmsKeyId: null,
  enableNetworkIsolation: false,
  enableInterContainerTrafficEncryption: false,
  ...extra,
});
