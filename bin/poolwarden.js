#!/usr/bin/env node
// The poolwarden command. It runs the TypeScript sources through tsx, so a clone works
// without a build step; the Lambda functions are bundled separately by serverless-esbuild.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
