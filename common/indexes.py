"""Index types Django does not ship."""

from __future__ import annotations

from django.contrib.postgres.indexes import PostgresIndex


class RumIndex(PostgresIndex):
    """A RUM index (the `rum` extension, Debian's postgresql-NN-rum): like GIN for full text,
    and it also keeps each lexeme's positions and weights, so the matches of a query come out
    of it in order of rank (`ORDER BY document <=> query`) without reading their documents."""

    suffix = "rum"
