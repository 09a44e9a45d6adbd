/** The zones this runtime's ICU names, read once: no date formatter is built for them. */
let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Whether `zone` names an IANA time zone this runtime knows (as luxon's IANAZone.isValidZone
 * says, by the same question to Intl). A zone ICU lists is known without building a date
 * formatter, whose first construction loads ICU's locale data (about 25 ms, a tenth of `policy
 * validate`); other spellings ICU accepts (US/Eastern, Etc/UTC, lower case) are asked the
 * formatter's way. Luxon itself is not loaded: compiling it was another tenth of `validate`.
 */
export const isTimeZone = (zone: string): boolean => {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  // UTC, the usual default, is no zone ICU lists, but every runtime knows it.
  return canonicalZones.has(zone) || zone === 'UTC' || formatsIn(zone);
};

/** The answers for spellings ICU does not list: each costs a formatter, and callers ask at every minute. */
const otherSpellings = new Map<string, boolean>();

const formatsIn = (zone: string): boolean => {
  let known = otherSpellings.get(zone);
  if (known === undefined) {
    known = zone !== '' && buildsAFormatter(zone);
    // Names come from policies, tags and configuration: few, but not bounded by this module.
    if (otherSpellings.size >= 1_000) otherSpellings.clear();
    otherSpellings.set(zone, known);
  }
  return known;
};

const buildsAFormatter = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
};
