/** The EventBridge scheduled event a rule sends at `atMs`, as the deployed sweep receives it. */
export const scheduledEvent = (atMs: number) => ({
  version: '0',
  id: `5c4e0000-0000-4000-8000-${Math.floor(atMs / 1000)
    .toString(16)
    .padStart(12, '0')}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  // EventBridge's `time` is to the second.
  time: new Date(Math.floor(atMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/poolwarden-local-sweep'],
  detail: {},
});
