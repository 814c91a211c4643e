"""The HTML views of the core: pages (read-only), drafting, review."""
