"""Operations: structured logs, health endpoints and `trellis doctor`."""
