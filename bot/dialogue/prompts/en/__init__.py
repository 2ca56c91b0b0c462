"""English prompt banks."""
