"""Link each recorded attendance of a user to that user's seat in the meeting's body, so afbud
and per-item participation speak of members rather than of user accounts."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def link_members(apps, schema_editor):
    attendance = apps.get_model("meetings", "Attendance")
    membership = apps.get_model("meetings", "Membership")
    seat = membership.objects.filter(
        body_id=OuterRef("meeting__body_id"), user_id=OuterRef("user_id")
    ).values("pk")[:1]
    linked = set()
    for row in (
        attendance.objects.filter(user__isnull=False, member__isnull=True)
        .annotate(seat=Subquery(seat))
        .exclude(seat=None)
        .order_by("meeting_id", "position", "pk")
        .values("pk", "meeting_id", "seat")
    ):
        # A person listed twice at one meeting keeps the link on the first line only.
        if (row["meeting_id"], row["seat"]) in linked:
            continue
        linked.add((row["meeting_id"], row["seat"]))
        attendance.objects.filter(pk=row["pk"]).update(member_id=row["seat"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0014_political_protocol")]

    operations = [migrations.RunPython(link_members, migrations.RunPython.noop)]
