import * as z from 'zod/mini';
import { failTransform } from '../../schema/zodMini';

/** The shapes of environment variables: each grammar is written once here. */

/** A comma-separated list, with its default when unset. */
export const listVariable = (fallback: readonly string[]) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((s) =>
      s
        ? s
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [...fallback],
    ),
  );

export const wholeNumber = (fallback: number, min: number, max: number) =>
  z._default(
    z.coerce
      .number({ message: 'must be a number' })
      .check(
        z.int('must be a whole number'),
        z.minimum(min, `must be at least ${min}`),
        z.maximum(max, `must be at most ${max}`),
      ),
    fallback,
  );

export const flag = (fallback: boolean) =>
  z.pipe(
    z.optional(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' })),
    z.transform((v) => (v === undefined ? fallback : v === 'true' || v === '1')),
  );

/** An empty variable counts as unset (serverless.yml writes '' for an option not given). */
export const optional = <T>(schema: z.ZodMiniType<T>) =>
  z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(schema),
  );

export const ssmParameterName = (example: string) =>
  z.string().check(z.regex(/^\/[\w./-]+$/, `must be an SSM parameter name such as ${example}`));
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
  z.pipe(
    z.optional(z.string()),
    z.transform((v, ctx) => {
      if (v === undefined) return fallback;
      const on = parseSwitch(v);
      return on ?? failTransform(ctx, 'must be on or off', v);
    }),
  );
