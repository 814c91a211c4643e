"""`make bench`: runs every benchmark module in bench/ (each has a `main()`), in order.

Benchmarks measure speed and memory and print their figures; they never assert timings.
Run one alone with `.venv/bin/python -m bench NAME`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referat.settings.local")
    django.setup()
    from django.core.management import call_command

    import bench

    # Benchmarks run against the database in DATABASE_URL; bring it up to date first.
    call_command("migrate", verbosity=0)

    wanted = set(sys.argv[1:])
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    main()
