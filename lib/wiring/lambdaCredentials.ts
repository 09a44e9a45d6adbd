import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK's default credential chain as the Lambda bundles have it: serverless.yml's
 * `custom.esbuild.alias` puts this module in place of `@aws-sdk/credential-provider-node`, for
 * every client and for the spokes' role chaining alike. Lambda's runtime hands a function its
 * role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), so the chain's other sources (profiles, SSO, web identity, the container
 * endpoint) are never reached there, yet their code, about 90 KB of each bundle, was compiled at
 * every cold start. The CLI and the local stack keep the whole chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> =>
  fromEnv(init);
