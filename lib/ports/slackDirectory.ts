/** Who a Slack user is, as far as authorizing a click needs it. */
export interface SlackDirectory {
  /** The user's profile email; undefined when unknown, hidden, or no lookup is configured. */
  emailOf(userId: string): Promise<string | undefined>;
}
