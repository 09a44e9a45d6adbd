/**
 * The names serverless.yml gives a stage's resources (`custom.tableName`, `custom.killSwitchParam`),
 * which the CLI finds by the stage alone.
 */
export const DEFAULT_STAGE = 'dev';

export const stageTableName = (stage: string): string => `poolwarden-${stage}-ledger`;

export const stageKillSwitchParameter = (stage: string): string => `/poolwarden/${stage}/kill-switch`;
