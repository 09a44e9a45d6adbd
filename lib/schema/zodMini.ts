import { en } from 'zod/locales';
import * as mini from 'zod/mini';
import type { ParsePayload } from 'zod/v4/core';

/**
 * zod's tree-shakable API (zod/mini), set up as the full `zod` sets itself up: its English
 * messages and its memoizer (which lets a schema meet a value that contains itself, as a YAML
 * alias can make). The schemas the functions build at every cold start (configuration, events,
 * policy) use zod/mini: the full API is larger to load and slower to build schemas with. The
 * memoizer is read when a schema is built, so every module that builds zod/mini schemas imports
 * this one (the schemas themselves from 'zod/mini': a re-export here would keep all of zod/mini
 * in the bundles).
 */
mini.config({ ...en(), memoizer: mini.memoizer() });

/**
 * Fails a zod/mini transform with `message`, as the full zod's `ctx.addIssue` would (a custom
 * issue on the transform's input); returns what the transform returns for a failure.
 */
export const failTransform = (ctx: ParsePayload, message: string, input: unknown): never => {
  ctx.issues.push({ code: 'custom', message, input });
  return mini.NEVER;
};
