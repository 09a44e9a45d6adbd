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

const formatsIn = (zone: string): boolean => {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
};
