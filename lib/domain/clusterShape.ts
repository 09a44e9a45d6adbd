/**
 * How a job's ResourceConfig names its cluster, read alike from events, DescribeTrainingJob and
 * the local emulator, so that a job is one shape wherever it is learnt from.
 *
 * Assumption (warm-pools-facts.md: "not for heterogeneous clusters"): a job that names its cluster
 * by InstanceGroups, even a single group, is a heterogeneous cluster and keeps no warm pool.
 * SageMaker takes either InstanceType and InstanceCount or InstanceGroups, never both.
 */
export interface InstanceGroupShape {
  readonly instanceType: string;
  readonly instanceCount: number;
}

export interface ClusterShape {
  /** The instance type; a heterogeneous cluster's types joined by "+" (it matches no pool). */
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly heterogeneous: boolean;
}

export const clusterShape = (config: {
  readonly instanceType?: string | undefined;
  readonly instanceCount?: number | undefined;
  readonly instanceGroups?: readonly InstanceGroupShape[] | undefined;
}): ClusterShape => {
  const groups = config.instanceGroups ?? [];
  if (groups.length === 0)
    return {
      instanceType: config.instanceType ?? '',
      instanceCount: config.instanceCount ?? 0,
      heterogeneous: false,
    };
  return {
    instanceType: groups.map((g) => g.instanceType).join('+'),
    instanceCount: groups.reduce((n, g) => n + g.instanceCount, 0),
    heterogeneous: true,
  };
};
