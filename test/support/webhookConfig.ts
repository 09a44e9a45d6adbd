import type { PoolwardenConfig } from '../../lib/wiring/config/config';
import { loadConfig } from '../../lib/wiring/config/loadConfig';

/** A function's configuration with its notices on a Slack webhook, whose URL middy fetches from SSM. */
export const webhookConfig = (): PoolwardenConfig =>
  loadConfig({
    POOLWARDEN_TABLE: 'poolwarden-test-ledger',
    POOLWARDEN_SLACK_MODE: 'webhook',
    POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: '/poolwarden/test/slack-webhook-url',
  });
