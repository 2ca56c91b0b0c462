"""Network analytics with networkx: the shape of the learning network (pure functions)."""
