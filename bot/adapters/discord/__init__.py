"""The Discord adapter: translates gateway and interaction traffic to neutral events and
renders neutral messages as Discord messages, built on discord.py."""
