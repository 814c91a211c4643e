"""Reads with rules: what the pages, the API and the services read, one module per family."""
