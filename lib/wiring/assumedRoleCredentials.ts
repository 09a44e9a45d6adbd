import type { STSClient } from '@aws-sdk/nested-clients/sts';
import type { RuntimeConfigAwsCredentialIdentityProvider } from '@aws-sdk/types';
import { CredentialsProviderError } from '@smithy/core/config';

export interface AssumedRole {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly ExternalId?: string;
}

/**
 * A role's temporary credentials, assumed through STS in `region`, as the SDK's
 * fromTemporaryCredentials assumes them for a client of its own (the same STS client: the caller
 * client's default credentials, request handler, logger and profile; the same checks of the
 * answer). The caller client refreshes them before they expire. Written here because that
 * provider loads its STS client, and the SDK's default credential chain, by dynamic imports: in
 * the Lambda bundles esbuild then wrapped some 330 modules of the SDK, shared with every client,
 * in lazy initialisers and kept them whole (untree-shaken), compiled and run at every cold start.
 * STS alone is loaded at the first credentials asked for, from a chunk beside the bundle (the
 * bundles split): a deployment of one account never asks, and one of many asks only when a
 * member account's pool is reached.
 */
export const assumedRoleCredentials = (
  params: AssumedRole,
  region: string,
): RuntimeConfigAwsCredentialIdentityProvider => {
  let sts: STSClient | undefined;
  return async (identityProperties = {}) => {
    const { callerClientConfig } = identityProperties;
    const logger = callerClientConfig?.logger;
    logger?.debug('poolwarden - assumedRoleCredentials (STS)');
    const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/nested-clients/sts');
    if (!sts) {
      const caller = callerClientConfig;
      const requestHandler = caller?.requestHandler;
      const credentials = caller?.credentialDefaultProvider?.();
      sts = new STSClient({
        region,
        ...(caller?.userAgentAppId ? { userAgentAppId: caller.userAgentAppId } : {}),
        ...(credentials ? { credentials } : {}),
        ...(logger ? { logger } : {}),
        ...(caller?.profile ? { profile: caller.profile } : {}),
        // The SDK's provider does not hand an HTTP/2 handler to STS either.
        ...(requestHandler && requestHandler.metadata?.handlerProtocol !== 'h2' ? { requestHandler } : {}),
      });
    }
    const { Credentials } = await sts.send(new AssumeRoleCommand({ ...params }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
      throw new CredentialsProviderError(
        `Invalid response from STS.assumeRole call with role ${params.RoleArn}`,
        logger ? { logger } : {},
      );
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
      ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
    };
  };
};
