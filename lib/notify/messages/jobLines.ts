import { elsewhereOf } from '../../domain/jobLocation';
import type { JobSnapshot, TrainingJobStatus } from '../../domain/trainingJob';
import type { Recipient } from '../recipient';
import { formatDuration } from './format';
import { code, escapeMrkdwn, link, truncate } from './mrkdwn';

/** Lines several messages share about the job they concern. */

const STATUS_WORDS: Record<TrainingJobStatus, string> = {
  Completed: 'completed',
  Failed: 'failed',
  Stopped: 'was stopped',
  Stopping: 'is stopping',
  InProgress: 'is running',
  Deleting: 'is being deleted',
};

const STATUS_EMOJI: Partial<Record<TrainingJobStatus, string>> = {
  Completed: ':white_check_mark:',
  Failed: ':x:',
  Stopped: ':black_square_for_stop:',
};

export const statusEmoji = (job: JobSnapshot): string => STATUS_EMOJI[job.status] ?? ':information_source:';

/** Training time: from the cluster's start when SageMaker gave it, else from the job's creation. */
const runSeconds = (job: JobSnapshot): number | undefined =>
  job.endedAtMs === undefined ? undefined : (job.endedAtMs - (job.startedAtMs ?? job.createdAtMs)) / 1000;

/** `failed after 12 min`. */
const endedWords = (job: JobSnapshot): string => {
  const seconds = runSeconds(job);
  const words = STATUS_WORDS[job.status];
  return seconds === undefined ? words : `${words} after ${formatDuration(seconds)}`;
};

/** `train-42 failed after 12 min`, plain text for summaries. */
export const endedPhrase = (job: JobSnapshot): string => `${job.name} ${endedWords(job)}`;

/** Failure reasons can run to a kilobyte; a phone screen shows a few lines. */
const FAILURE_REASON_LIMIT = 400;

/** The job's end in mrkdwn: `train-42` failed after 12 min. */
export const endedHead = (job: JobSnapshot): string => `${code(job.name)} ${endedWords(job)}`;

/** SageMaker's failure reason as a quote, when the job failed. */
export const failureQuote = (job: JobSnapshot): string | undefined =>
  job.failureReason
    ? `> ${escapeMrkdwn(truncate(job.failureReason, FAILURE_REASON_LIMIT)).replaceAll('\n', '\n> ')}`
    : undefined;

/** The job's end with its failure reason, for messages whose headline is about the pool. */
export const endedLine = (job: JobSnapshot): string => {
  const quote = failureQuote(job);
  return quote ? `${endedHead(job)}:\n${quote}` : endedHead(job);
};

export const clusterLabel = (job: JobSnapshot): string =>
  `${job.criteria.instanceType} × ${job.criteria.instanceCount}`;

/** The console page of the job, for the standard partition (the console lives elsewhere in China and GovCloud). */
const consoleUrl = (job: JobSnapshot): string | undefined => {
  const [, partition, service, region] = job.arn.split(':');
  if (partition !== 'aws' || service !== 'sagemaker' || !region) return undefined;
  const name = elsewhereOf(job.name)?.name ?? job.name;
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/jobs/${encodeURIComponent(name)}`;
};

const ownerName = (recipient: Recipient): string => {
  const who = recipient.slackUser
    ? `<@${recipient.slackUser}>`
    : escapeMrkdwn(recipient.owner ?? recipient.email ?? 'nobody (no owner tag)');
  return recipient.team ? `${who} · team ${escapeMrkdwn(recipient.team)}` : who;
};

/** The small print under every message: whose job it is, and where to look. */
export const jobContext = (job: JobSnapshot, recipient: Recipient): string[] => {
  const url = consoleUrl(job);
  const elsewhere = elsewhereOf(job.name);
  return [
    `Owner: ${ownerName(recipient)}`,
    // A pool of another account: say which, and sign in there before opening the console.
    ...(elsewhere ? [`Account ${elsewhere.location.account} · ${elsewhere.location.region}`] : []),
    url ? link(url, 'Open in the SageMaker console') : `Job ${code(job.name)}`,
  ];
};

/** For email, where there are no buttons: the one command that releases the pool now. */
export const releaseCommand = (job: string): string => {
  const elsewhere = elsewhereOf(job);
  const name = elsewhere?.name ?? job;
  const where = elsewhere
    ? ` --region ${elsewhere.location.region} (in account ${elsewhere.location.account})`
    : '';
  return `Release it now: aws sagemaker update-training-job --training-job-name ${name} --resource-config KeepAlivePeriodInSeconds=0${where}`;
};
