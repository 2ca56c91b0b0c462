"""The engine: neutral events, messages, commands and routing. No platform, no SQL."""
