"""The JSON API under /api/: one module per area (meetings, review, search, budget, pdf), the
one mapping of domain errors to HTTP statuses (errors.py) and the routes (urls.py). A package,
not an app: it has no models."""
