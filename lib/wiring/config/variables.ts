import * as z from 'zod';

/** The shapes of environment variables: each grammar is written once here. */

/** A comma-separated list, with its default when unset. */
export const listVariable = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [...fallback],
    );

export const wholeNumber = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

/** An empty variable counts as unset (serverless.yml writes '' for an option not given). */
export const optional = <T>(schema: z.ZodType<T>) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const ssmParameterName = (example: string) =>
  z.string().regex(/^\/[\w./-]+$/, `must be an SSM parameter name such as ${example}`);

const SWITCH_VALUES = ['on', 'off', 'true', 'false'] as const;

/**
 * The kill switch's grammar, the same in the environment and in its SSM parameter: `on` or
 * `off` (as documented), `true` or `false`, any case; undefined for anything else.
 */
export const parseSwitch = (text: string): boolean | undefined => {
  const value = text.trim().toLowerCase();
  if (!SWITCH_VALUES.some((v) => v === value)) return undefined;
  return value === 'on' || value === 'true';
};

export const switchVariable = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const on = parseSwitch(v);
      if (on === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be on or off' });
        return z.NEVER;
      }
      return on;
    });
