"""The Slack adapter: Bolt for Python in, Block Kit out, paced by one outbound queue."""
