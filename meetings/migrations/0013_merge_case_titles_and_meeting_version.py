"""Joins two independent steps: cases keeping no item titles, and meetings carrying a version
with attachments' pending text extraction."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0012_cases_keep_no_item_titles"),
        ("meetings", "0012_meeting_version_attachment_text_pending"),
    ]

    operations: list[migrations.operations.base.Operation] = []
