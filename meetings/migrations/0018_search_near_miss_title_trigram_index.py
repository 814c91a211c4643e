"""A trigram index on the upper-cased item titles: the near-miss search offers a title word
only when a title the reader may see holds it (`title__icontains`), which this answers without
reading every title."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0017_search_rank_in_rum_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='agendaitem',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper('title'), name='gin_trgm_ops'), name='item_title_upper_trigram'),
        ),
    ]
