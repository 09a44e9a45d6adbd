/**
 * Instance-type globs such as `ml.p4d.*` or `ml.g5.?xlarge`: `*` is any run of characters, `?`
 * one character, everything else literal (the dots in instance types are not wildcards).
 */
const toRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${[...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('')}$`,
  );

const cache = new Map<string, RegExp>();

export const matchesGlob = (glob: string, text: string): boolean => {
  let pattern = cache.get(glob);
  if (!pattern) {
    pattern = toRegExp(glob);
    cache.set(glob, pattern);
  }
  return pattern.test(text);
};
