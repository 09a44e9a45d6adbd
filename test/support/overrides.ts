/** Changes to a test fixture: a key given as undefined removes the fixture's value. */
export type Overrides<T> = { [K in keyof T]?: T[K] | undefined };

export const withOverrides = <T extends object>(base: T, overrides: Overrides<T> = {}): T => {
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(base));
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as T;
};
