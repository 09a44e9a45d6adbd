import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { DEFAULT_PRICES, type PriceTable, withOverrides } from '../../domain/prices';

/** A prices file could not be used; the message names the file and the entry at fault. */
export class PriceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceFileError';
  }
}

const priceFile = z.record(
  z
    .string()
    .regex(
      /^([a-z]{2}(-[a-z]+)+-\d\/)?ml\.[a-z0-9-]+\.[a-z0-9]+$/,
      'not a SageMaker instance type, nor a region and one (eu-west-1/ml.g5.xlarge)',
    ),
  z.number().positive(),
);

/**
 * `{ "ml.g5.xlarge": 1.408, "eu-west-1/ml.g5.xlarge": 1.58, ... }`: hourly USD prices that
 * override the built-in table, for every region or for one.
 */
export const readPriceFile = async (path: string): Promise<PriceTable> => {
  // A file that cannot be read at all is the caller's to name (a missing file is not bad JSON).
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PriceFileError(`${path}: not readable JSON (${(error as Error).message})`);
  }
  const parsed = priceFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PriceFileError(`${path}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}`);
  }
  return withOverrides(DEFAULT_PRICES, parsed.data);
};
