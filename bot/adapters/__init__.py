"""Adapters translate platform traffic to neutral events and neutral messages back."""
