/**
 * What SNS Publish accepts, as the Amazon SNS API Reference (Publish) and Developer Guide
 * (message attributes) document it: the one place for these figures, used by the email
 * message builder and by the local SNS stand-in.
 *
 * - Subject: UTF-8 with no line breaks nor control characters, less than 100 characters.
 * - Message: at most 256 KB (262,144 bytes), message attributes included.
 * - At most 10 message attributes; a name of at most 256 characters of `A-Za-z0-9_-.`, not
 *   starting with `AWS.` or `Amazon.`, without consecutive, leading or trailing periods; a
 *   String value must not be empty.
 */
export const SNS_LIMITS = {
  subjectMaxLength: 99,
  messageMaxBytes: 262_144,
  attributesPerMessage: 10,
  attributeNameMaxLength: 256,
  attributeNamePattern: /^(?!\.)(?!.*\.\.)(?!.*\.$)(?!(?:AWS|Amazon)\.)[A-Za-z0-9_.-]+$/i,
} as const;
