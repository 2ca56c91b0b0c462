"""What the bot says: prompt banks as data files per purpose and locale, and conversations."""
