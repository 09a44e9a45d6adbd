/**
 * SageMaker's documented bounds on the training-job fields poolwarden reads (the state-change
 * event, DescribeTrainingJob) and sends (UpdateTrainingJob), and that the local emulator
 * enforces on CreateTrainingJob. The one place for these figures.
 *
 * Source: Amazon SageMaker API Reference (CreateTrainingJob, DescribeTrainingJob,
 * ResourceConfig, ResourceConfigForUpdate, InstanceGroup, VpcConfig, Tag) and the service model
 * sagemaker/2017-07-24 they are generated from. SageMaker's "Integer" is a 32-bit integer.
 * Where the reference gives a minimum of 0 for a count or a size, a job still cannot run on
 * zero instances nor on a zero-size volume, and SageMaker's events never carry one: 1 is the
 * bound here.
 */

const INT32_MAX = 2_147_483_647;

export const TRAINING_JOB_NAME = {
  minLength: 1,
  maxLength: 63,
  pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
} as const;

/** The job's own name is the ARN's last part, lower-cased by SageMaker. */
export const TRAINING_JOB_ARN = {
  maxLength: 256,
  pattern: /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:training-job\/([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$/,
} as const;

export const ROLE_ARN = {
  minLength: 20,
  maxLength: 2048,
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
} as const;

/** The TrainingInstanceType enum, by its shape (new types are added often). */
export const INSTANCE_TYPE = { maxLength: 64, pattern: /^ml\.[a-z0-9-]+\.[a-z0-9]+$/ } as const;

export const INSTANCE_COUNT = { min: 1, max: INT32_MAX } as const;
export const VOLUME_SIZE_IN_GB = { min: 1, max: INT32_MAX } as const;
export const VOLUME_KMS_KEY_ID = { maxLength: 2048, pattern: /^[a-zA-Z0-9:/_-]*$/ } as const;

/**
 * KeepAlivePeriodInSeconds: 0..3600 in the API reference; newer SDK models allow 21600. Which
 * one the service enforces is unconfirmed, so the cap a deployment accepts is configuration
 * (POOLWARDEN_KEEP_ALIVE_CAP_SECONDS), between these two.
 */
export const KEEP_ALIVE_PERIOD_SECONDS = { min: 0, documentedMax: 3600, newestModelMax: 21_600 } as const;

export const INSTANCE_GROUPS = { maxItems: 5, nameMaxLength: 64 } as const;

/** VpcConfig: 1..5 security groups and 1..16 subnets, each id up to 32 characters. */
export const VPC_CONFIG = {
  securityGroupIds: { maxItems: 5 },
  subnets: { maxItems: 16 },
  id: { maxLength: 32, pattern: /^[-0-9a-zA-Z]+$/ },
} as const;

export const FAILURE_REASON = { maxLength: 1024 } as const;

/** SecondaryStatus is an enum that grows: its shape, not its list. */
export const SECONDARY_STATUS = { maxLength: 64, pattern: /^[A-Za-z]+$/ } as const;

/**
 * Tags: at most 50 per resource (keys starting with `aws:` are set by AWS and do not count),
 * keys 1..128 and values 0..256 characters of letters, digits, spaces and `_.:/=+-@`.
 */
export const TAGS = {
  maxCount: 50,
  reservedPrefix: 'aws:',
  keyMaxLength: 128,
  valueMaxLength: 256,
  /**
   * The documented pattern of keys and values. Values are held to their length only: the
   * pattern excludes `#`, yet the example traces carry `slack-channel: "#team"` tags and the
   * emulator accepts them; refusing them here would drop those jobs' events.
   */
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
} as const;

/**
 * Timestamps: epoch milliseconds. Nothing SageMaker sends is dated after the event that carries
 * it (beyond clock skew), nor after 2100: a later date would make every later event of the job
 * look stale forever.
 */
export const TIMESTAMP = {
  maxMs: Date.UTC(2100, 0, 1),
  skewAfterEventMs: 24 * 3600 * 1000,
} as const;
