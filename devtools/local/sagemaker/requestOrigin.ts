import type { JobLocation } from '../../../lib/domain/jobLocation';
import { accountOfLocalAccessKey } from '../../../lib/wiring/localStack';

/**
 * The account and region a request was signed for: the region from SigV4's credential scope,
 * the account from the local STS stand-in's access key. Anything else (the local stack's own
 * `local` key, an unsigned request) is the home account, in the home region.
 */
export const requestOrigin = (authorization: string | undefined, home: JobLocation): JobLocation => {
  const scope = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? '');
  if (!scope) return home;
  const [, accessKeyId = '', region = home.region] = scope;
  return { account: accountOfLocalAccessKey(accessKeyId) ?? home.account, region };
};
