import { createRequire } from 'node:module';

/** dynalite's own modules, loaded as its package loads them: what the local request path's compiled checks must agree with. */
export const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));

/** The item operations the local request path takes straight to dynalite's checks. */
export const ITEM_OPERATIONS = [
  'batchGetItem',
  'batchWriteItem',
  'deleteItem',
  'getItem',
  'putItem',
  'query',
  'scan',
  'updateItem',
] as const;

/** dynalite's type table of one operation. */
export const typesOf = (operation: string) =>
  (fromDynalite(`./validations/${operation}`) as { types: object }).types;
