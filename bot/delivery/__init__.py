"""Getting messages out: the persisted outbox and its delivery worker."""
