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
