"""Forms of the core: drafting and search."""
