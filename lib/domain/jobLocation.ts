import { TRAINING_JOB_ARN, TRAINING_JOB_NAME } from './sageMakerLimits';

/**
 * Where a training job lives. SageMaker's job names are unique only within one account and
 * region, and a warm pool never crosses them: the same role ARN in two regions is two pools.
 */
export interface JobLocation {
  readonly account: string;
  readonly region: string;
}

export const ACCOUNT_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const sameLocation = (a: JobLocation, b: JobLocation): boolean =>
  a.account === b.account && a.region === b.region;

/**
 * The AWS partition a region belongs to, which every ARN there starts with: China's regions
 * (cn-…) and GovCloud's (us-gov-…) are partitions of their own.
 */
export const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/** `<account>/<region>`: one location as a map key or a label. */
export const locationLabel = (location: JobLocation): string => `${location.account}/${location.region}`;

/** The account and region in a training job's ARN; undefined for an ARN of another shape. */
export const locationOfJobArn = (arn: string): JobLocation | undefined => {
  if (!TRAINING_JOB_ARN.pattern.test(arn)) return undefined;
  const [, , , region, account] = arn.split(':');
  return region && account ? { account, region } : undefined;
};

/** A training job's ARN, as SageMaker writes it (the name in lower case); locationOfJobArn reads it back. */
export const trainingJobArn = (name: string, location: JobLocation): string =>
  `arn:${partitionOf(location.region)}:sagemaker:${location.region}:${location.account}:training-job/${name.toLowerCase()}`;

/**
 * The name poolwarden records a job under (ledger keys, pool ids, links, button values, CLI
 * arguments). A job in the deployment's own account and region keeps its bare SageMaker name, so
 * ledgers and traces from before there were several accounts read as they always did; a job
 * elsewhere is `<account>/<region>/<name>`. A SageMaker job name has no `/`, so the two never meet.
 */
export const jobRef = (name: string, location: JobLocation, home: JobLocation): string =>
  sameLocation(location, home) ? name : `${locationLabel(location)}/${name}`;

/** The inverse of jobRef: the SageMaker name and the job's account and region. */
export const parseJobRef = (ref: string, home: JobLocation): { name: string; location: JobLocation } =>
  elsewhereOf(ref) ?? { name: ref, location: home };

/**
 * Where a recorded job lives when it is not the deployment's own account and region, read from
 * its reference alone (for text shown to people, which has no configuration at hand).
 */
export const elsewhereOf = (ref: string): { name: string; location: JobLocation } | undefined => {
  const parts = ref.split('/');
  const [account, region, name] = parts;
  return parts.length === 3 && account && region && name
    ? { name, location: { account, region } }
    : undefined;
};

/**
 * Whether a text is a reference jobRef could have written: a SageMaker job name, bare or after
 * `<account>/<region>/`. Longer than a bare name may be (a button's value, a CLI argument): a
 * member account's prefix comes on top of SageMaker's 63 characters.
 */
export const isJobRef = (ref: string): boolean => {
  const elsewhere = elsewhereOf(ref);
  if (
    elsewhere &&
    !(ACCOUNT_PATTERN.test(elsewhere.location.account) && REGION_PATTERN.test(elsewhere.location.region))
  )
    return false;
  const name = elsewhere?.name ?? ref;
  return name.length <= TRAINING_JOB_NAME.maxLength && TRAINING_JOB_NAME.pattern.test(name);
};
