/**
 * The local stack's account: what its endpoints accept and what it names. A module of its own,
 * with no import, so that the CLI's `--local` connection does not load the local stack itself.
 */

/** Credentials the local endpoints accept; they never leave the machine. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_TABLE = 'poolwarden-local-ledger';
