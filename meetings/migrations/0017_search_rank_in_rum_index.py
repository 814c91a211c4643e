"""The search documents' GIN index becomes a RUM index: it answers the same matches, and gives
them in order of rank, so a page of results is read without ranking every match.

The `rum` extension (Debian's postgresql-15-rum) must be installed on the server; creating it
needs a superuser, which docker/postgres/initdb/10-referat-app-role.sh is (scripts/setup.sh
runs the migrations as one). Building the index takes about 40 s per 100,000 items."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

import common.indexes


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0016_search_danish_word_forms"),
    ]

    operations = [
        CreateExtension("rum"),
        migrations.AddIndex(
            model_name="searchdocument",
            index=common.indexes.RumIndex(
                fields=["document"], name="searchdoc_document_rum", opclasses=["rum_tsvector_ops"]
            ),
        ),
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="searchdoc_document_gin",
        ),
    ]
