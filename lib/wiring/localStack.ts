/**
 * The local stack's fixed settings: `poolwarden local` serves with them and the CLI's
 * `--local` finds it by them.
 */
export const LOCAL_TABLE = 'poolwarden-local-ledger';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
/** Where `poolwarden local --keep-serving` serves unless told otherwise, and where --local looks. */
export const DEFAULT_LOCAL_PORTS = { sagemaker: 4566, dynamodb: 4567 } as const;
/** The SageMaker emulator's own operation that tells the virtual time. */
export const LOCAL_CLOCK_OPERATION = 'PoolwardenLocalClock';
/** The local stack's own account and region: trace lines without `account`/`region` run there. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_HOME = { account: LOCAL_ACCOUNT, region: LOCAL_REGION } as const;
/** The spoke role's external id in the local stack (its STS stand-in checks it). */
export const LOCAL_SPOKE_EXTERNAL_ID = 'poolwarden-local-external-id';

/**
 * The local STS stand-in hands out access keys that name their account, and the emulator reads
 * the account back from the key a request is signed with, as AWS does from real keys.
 */
export const localAccessKeyId = (account: string): string => `ASIA${account}LOCL`;
export const accountOfLocalAccessKey = (accessKeyId: string): string | undefined =>
  /^ASIA(\d{12})LOCL$/.exec(accessKeyId)?.[1];
