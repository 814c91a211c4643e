"""Cases no longer keep a copy of an item's title: it was the first item's title, which could be
a draft's or a title the item had before it was closed, and case pages, case suggestions and
the search index of every item of the case showed it to readers who may not see that item. A
case is now called by the items its reader may see (meetings.access.case_title). The search
index's case trigger brings the documents of the cases' items up to date in the same step."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("meetings", "0011_fk_indexes_covered_by_unique_constraints")]

    operations = [
        migrations.RunSQL(
            "UPDATE meetings_case SET title = '' WHERE title <> ''",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
