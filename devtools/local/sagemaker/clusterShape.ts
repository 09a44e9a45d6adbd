import type { TrainingJobSpec } from './emulatedJob';

/** The part of ResourceConfig that says what the cluster is: instance groups, or one type and count. */
export interface ClusterShape {
  InstanceType?: string;
  InstanceCount?: number;
  InstanceGroups?: { InstanceGroupName: string; InstanceType: string; InstanceCount: number }[];
}

/** Shared by DescribeTrainingJob's answer and the state-change event, which spell it the same way. */
export const clusterShapeOf = (spec: TrainingJobSpec): ClusterShape => {
  const groups = spec.instanceGroups ?? [];
  return groups.length > 0
    ? {
        InstanceGroups: groups.map((g) => ({
          InstanceGroupName: g.instanceGroupName,
          InstanceType: g.instanceType,
          InstanceCount: g.instanceCount,
        })),
      }
    : { InstanceType: spec.instanceType, InstanceCount: spec.instanceCount };
};
