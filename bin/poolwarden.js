#!/usr/bin/env node
// The poolwarden command. It runs the CLI bundled ahead of time into dist/cli (`npm run build`,
// run by `npm install`); in a checkout where it was never built, it falls back to compiling the
// TypeScript sources through tsx, which is slower to start.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const built = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../lib/cli/main.ts'));
}
process.exitCode = await main(process.argv);
