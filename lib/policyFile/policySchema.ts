import * as z from 'zod/mini';
import { isIsoCalendarDate } from '../domain/calendarDate';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../domain/jobLocation';
import { formatDuration, parseDuration } from '../domain/policy/duration';
import { STRATEGY_NAMES, type StrategyName, WEEKDAYS, type Weekday } from '../domain/policy/policy';
import { isTimeZone } from '../domain/timeZone';
import { failTransform } from '../schema/zodMini';
import { didYouMean } from './didYouMean';
import type { PathSegment } from './sourcePositions';

/**
 * The schema of a policy document (YAML or JSON). Every setting except a rule's name is optional:
 * the loader merges a rule over the document's defaults, and those over the built-in defaults.
 * Values are checked one by one with messages that say what was expected, so that one pass
 * reports every mistake in the file.
 */

/**
 * Set (to the list of known keys) on the issue raised for a key the schema does not know; the
 * loader names the key from the issue's path, points at it and suggests the closest known key.
 */
export const UNKNOWN_KEY_PARAM = 'poolwardenKnownKeys';

const show = (input: unknown): string =>
  input === undefined
    ? 'nothing'
    : typeof input === 'number' && !Number.isFinite(input)
      ? `${input} (a number too large to hold)`
      : (JSON.stringify(input) ?? String(input));

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (expected: string, input: unknown): Parsed<never> => ({
  ok: false,
  message: input === undefined ? `required: ${expected}` : `expected ${expected}, got ${show(input)}`,
});

/** A value checked by a plain function, so that the message can say exactly what was expected. */
const checked = <T>(parse: (input: unknown) => Parsed<T>) =>
  z.pipe(
    z.unknown(),
    z.transform((input, ctx): T => {
      const result = parse(input);
      return result.ok ? result.value : failTransform(ctx, result.message, input);
    }),
  );

/** `off` (or null) switches a setting off; the domain spells that `null`. */
const isOff = (input: unknown): boolean => input === null || input === 'off';

const DURATION = 'a duration such as 90s, 30m, 2h, 1d or a number of seconds';

interface Range {
  readonly min?: number;
  readonly max?: number;
}

const seconds = (input: unknown, range: Range, expected: string): Parsed<number> => {
  const value = typeof input === 'string' || typeof input === 'number' ? parseDuration(input) : undefined;
  if (value === undefined) return fail(expected, input);
  if (range.min !== undefined && value < range.min)
    return fail(`at least ${formatDuration(range.min)}`, input);
  if (range.max !== undefined && value > range.max)
    return fail(`at most ${formatDuration(range.max)}`, input);
  return ok(value);
};

const duration = (range: Range = {}) => checked((input) => seconds(input, range, DURATION));

const durationOrOff = (range: Range = {}) =>
  checked(
    (input): Parsed<number | null> =>
      isOff(input) ? ok(null) : seconds(input, range, `${DURATION}, or off`),
  );

const usdOrOff = checked((input): Parsed<number | null> => {
  if (isOff(input)) return ok(null);
  return typeof input === 'number' && Number.isFinite(input) && input >= 0
    ? ok(input)
    : fail('an amount in USD (a number ≥ 0), or off', input);
});

const nonNegative = (what: string) =>
  checked((input) =>
    typeof input === 'number' && Number.isFinite(input) && input >= 0 ? ok(input) : fail(what, input),
  );

/** 0.1 or "10%". */
const fraction = checked((input): Parsed<number> => {
  const value =
    typeof input === 'number'
      ? input
      : typeof input === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(input)
        ? Number.parseFloat(input) / 100
        : Number.NaN;
  return value >= 0 && value <= 1
    ? ok(value)
    : fail('a fraction between 0 and 1, or a percentage like 10%', input);
});

const oneOf = <T extends string>(values: readonly T[], what: string) =>
  checked((input): Parsed<T> => {
    const found = values.find((v) => v === input);
    if (found !== undefined) return ok(found);
    const hint = typeof input === 'string' ? didYouMean(input, values) : '';
    return { ok: false, message: `expected ${what} (${values.join(', ')}), got ${show(input)}${hint}` };
  });

const text = (what: string, pattern?: RegExp) =>
  checked(
    (input): Parsed<string> =>
      typeof input === 'string' && input.trim() !== '' && (!pattern || pattern.test(input))
        ? ok(input)
        : fail(what, input),
  );

const bool = checked(
  (input): Parsed<boolean> => (typeof input === 'boolean' ? ok(input) : fail('true or false', input)),
);

const timeOfDay = (latest: '23:59' | '24:00') =>
  checked((input): Parsed<number> => {
    const match = typeof input === 'string' ? /^([01]\d|2[0-4]):([0-5]\d)$/.exec(input) : null;
    const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
    const [hours = 0, mins = 0] = latest.split(':').map(Number);
    return minutes <= hours * 60 + mins
      ? ok(minutes)
      : fail(`a time of day "HH:MM" (quoted), 00:00 to ${latest}`, input);
  });

const timeZone = checked(
  (input): Parsed<string> =>
    typeof input === 'string' && isTimeZone(input)
      ? ok(input)
      : fail('an IANA time zone such as Europe/Berlin or America/New_York', input),
);

const isoDate = checked(
  (input): Parsed<string> =>
    typeof input === 'string' && isIsoCalendarDate(input) ? ok(input) : fail('a date "YYYY-MM-DD"', input),
);

/** An object that rejects unknown keys, one issue per key (see UNKNOWN_KEY_PARAM). */
const strict = <T extends z.core.$ZodLooseShape>(shape: T) => {
  const known = Object.keys(shape);
  return z.catchall(
    z.object(shape),
    z.unknown().check(
      z.superRefine((_value, ctx) => {
        ctx.addIssue({ code: 'custom', message: 'unknown key', params: { [UNKNOWN_KEY_PARAM]: known } });
      }),
    ),
  );
};

const list = <T extends z.ZodMiniType>(item: T) =>
  z.array(item, { error: (issue) => `expected a list, got ${show(issue.input)}` });

const workingHoursWindow = strict({
  timeZone,
  days: list(oneOf<Weekday>(WEEKDAYS, 'a weekday')).check(
    z.refine((days) => days.length > 0, 'needs at least one day'),
  ),
  start: timeOfDay('23:59'),
  end: timeOfDay('24:00'),
  holidays: z.optional(list(isoDate)),
}).check(
  z.refine((window) => window.start !== window.end, {
    path: ['end'],
    message: 'end equals start; write 00:00 to 24:00 for a whole day',
    // Checked even when other keys of the window are wrong: every error in one pass.
    when: (payload) => {
      const window = payload.value as { start?: unknown; end?: unknown };
      return typeof window.start === 'number' && window.start === window.end;
    },
  }),
);

/** SageMaker's newest model allows 21600 s per UpdateTrainingJob call; the docs say 3600. */
const MAX_KEEP_ALIVE_PER_CALL = 21_600;

/** Rule settings; every key optional. Durations become seconds, `off` becomes null. */
const settingsShape = {
  workingHours: z.optional(list(workingHoursWindow)),
  idle: z.optional(
    strict({
      insideWorkingHours: z.optional(durationOrOff()),
      outsideWorkingHours: z.optional(durationOrOff()),
    }),
  ),
  extend: z.optional(
    strict({
      step: z.optional(duration({ min: 60, max: MAX_KEEP_ALIVE_PER_CALL })),
      within: z.optional(duration()),
      when: z.optional(
        strict({
          reusedWithin: z.optional(durationOrOff()),
          ownerActiveWithin: z.optional(durationOrOff()),
          predictedReuse: z.optional(bool),
        }),
      ),
    }),
  ),
  caps: z.optional(
    strict({
      keepAlivePerCall: z.optional(durationOrOff({ max: MAX_KEEP_ALIVE_PER_CALL })),
      poolLifetime: z.optional(durationOrOff()),
      idleSpendPerPoolPerDay: z.optional(usdOrOff),
      idleSpendPerTeamPerDay: z.optional(usdOrOff),
    }),
  ),
  keepAlive: z.optional(
    strict({
      strategy: z.optional(oneOf<StrategyName>(STRATEGY_NAMES, 'a strategy')),
      fixed: z.optional(
        checked(
          (input): Parsed<number | null> =>
            input === 'job' ? ok(null) : seconds(input, {}, `${DURATION}, or job (the job's own keep-alive)`),
        ),
      ),
      coldStart: z.optional(duration()),
      waitingValuePerHour: z.optional(nonNegative('an amount in USD per hour (a number ≥ 0)')),
      minSamples: z.optional(
        checked((input) =>
          Number.isInteger(input) && typeof input === 'number' && input >= 1
            ? ok(input)
            : fail('a whole number ≥ 1', input),
        ),
      ),
      hybrid: z.optional(
        strict({
          bin: z.optional(duration({ min: 1 })),
          range: z.optional(duration({ min: 1 })),
          tailPercentile: z.optional(fraction),
          margin: z.optional(fraction),
          cvThreshold: z.optional(nonNegative('a number ≥ 0')),
          outOfRangeThreshold: z.optional(fraction),
        }),
      ),
    }),
  ),
  notify: z.optional(strict({ leadTime: z.optional(durationOrOff()) })),
  dryRun: z.optional(bool),
  honourTags: z.optional(
    strict({
      optOut: z.optional(bool),
      protect: z.optional(bool),
      idleLimit: z.optional(bool),
    }),
  ),
};

export const settingsSchema = strict(settingsShape);
export type SettingsInput = z.infer<typeof settingsSchema>;

/** `key=value`, or `key` alone for "the tag exists". */
const tagCondition = checked((input): Parsed<{ key: string; value?: string }> => {
  if (typeof input !== 'string' || input.trim() === '' || input.startsWith('=')) {
    return fail('a tag condition "key=value" or "key"', input);
  }
  const at = input.indexOf('=');
  return ok(at < 0 ? { key: input } : { key: input.slice(0, at), value: input.slice(at + 1) });
});

const matchSchema = strict({
  tags: z.optional(list(tagCondition)),
  instanceTypes: z.optional(
    list(text('an instance-type glob such as ml.p4d.* or ml.g5.2xlarge', /^[A-Za-z0-9.*?-]+$/)),
  ),
  teams: z.optional(list(text('a team name'))),
  owners: z.optional(list(text('an owner name'))),
  accounts: z.optional(list(text('a 12-digit AWS account id', ACCOUNT_PATTERN))),
  regions: z.optional(list(text('an AWS region such as eu-west-1', REGION_PATTERN))),
});

const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;

const ruleSchema = strict({
  name: text('a rule name: letters, digits, . _ : - (up to 63 characters)', RULE_NAME),
  description: z.optional(text('a description')),
  match: z.optional(matchSchema),
  ...settingsShape,
});
export type RuleInput = z.infer<typeof ruleSchema>;

export const policySchema = strict({
  version: z.optional(checked((input): Parsed<1> => (input === 1 ? ok(1) : fail('1', input)))),
  dryRun: z.optional(bool),
  tagKeys: z.optional(
    strict({
      optOut: z.optional(text('a tag key')),
      protect: z.optional(text('a tag key')),
      idleLimit: z.optional(text('a tag key')),
    }),
  ),
  defaults: z.optional(settingsSchema),
  rules: z.optional(list(ruleSchema)),
});
export type PolicyInput = z.infer<typeof policySchema>;

export interface RuleProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A rule with no criteria matches every pool. */
const matchesEverything = (rule: Record<string, unknown>): boolean => {
  const match = rule.match;
  if (match === undefined || match === null) return true;
  if (!isRecord(match)) return false;
  return ['tags', 'instanceTypes', 'teams', 'owners', 'accounts', 'regions'].every((key) => {
    const criteria = match[key];
    return criteria === undefined || (Array.isArray(criteria) && criteria.length === 0);
  });
};

/**
 * Checks across rules: duplicate or reserved names, and rules no pool can reach because an
 * earlier rule matches every pool. They read the raw document, so they run even when the schema
 * finds faults inside the rules (zod skips a list's own checks when one of its items fails).
 */
export const crossRuleProblems = (document: unknown): RuleProblem[] => {
  if (!isRecord(document) || !Array.isArray(document.rules)) return [];
  const problems: RuleProblem[] = [];
  const seen = new Map<string, number>();
  let catchAll: { index: number; name: string } | undefined;
  document.rules.forEach((rule: unknown, index) => {
    if (!isRecord(rule)) return;
    const name = typeof rule.name === 'string' ? rule.name : undefined;
    if (name === 'defaults') {
      problems.push({
        path: ['rules', index, 'name'],
        message: '"defaults" is reserved for decisions taken under no rule',
      });
    }
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        problems.push({
          path: ['rules', index, 'name'],
          message: `duplicate rule name "${name}" (first used by rules[${first}]); decisions record the name, so it must be unique`,
        });
      } else {
        seen.set(name, index);
      }
    }
    if (catchAll) {
      problems.push({
        path: ['rules', index],
        message: `unreachable: rules[${catchAll.index}] ("${catchAll.name}") has no match criteria and matches every pool first`,
      });
    } else if (matchesEverything(rule)) {
      catchAll = { index, name: name ?? '?' };
    }
  });
  return problems;
};
