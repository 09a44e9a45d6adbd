import { describe, expect, it } from 'vitest';
import { since } from '../../lib/cli/optionParsers';

/**
 * `--since`/`--until` (import, report) take a date like 2026-03-01. Date.parse rolls an
 * impossible day over into the next month (2026-02-30 is read as 2026-03-02), so a typo silently
 * moves the window by days instead of being refused as the help promises.
 */
describe('--since with a date that does not exist', () => {
  for (const value of ['2026-02-30', '2026-04-31', '2026-02-29']) {
    it(`refuses ${value}`, () => {
      expect(() => since(value)).toThrow(/expected a duration like 7d or 12h, or a date/);
    });
  }

  it('still takes a real date', () => {
    expect(since('2026-03-01')).toEqual({ atMs: Date.parse('2026-03-01') });
  });
});
