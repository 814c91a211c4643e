"""Internal attachments leave the search document that outsiders search: `attachment_part`
(and so `document`) holds the attachments everyone who reads the item may read, and the
internal ones go into `internal_attachment_part`, matched for the body alone. The snippet
text is made for the reader: without the decision where the reader may read only the agenda,
without internal attachments outside the body."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

from meetings.search_config import CONFIG


def attachment_functions(config: str, *, apart: bool) -> str:
    which = "AND NOT a.internal" if apart else ""
    sql = f"""
CREATE OR REPLACE FUNCTION referat_search_attachment_part(p_item_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT setweight(to_tsvector('{config}',
                   string_agg(concat_ws(' ', a.title, left(a.extracted_text, 200000)), ' '
                              ORDER BY a.position, a.id)), 'D')
          FROM meetings_attachment a WHERE a.item_id = p_item_id {which}
    ), ''::tsvector)
$$;
"""
    if apart:
        sql += f"""
CREATE OR REPLACE FUNCTION referat_search_internal_attachment_part(p_item_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT setweight(to_tsvector('{config}',
                   string_agg(concat_ws(' ', a.title, left(a.extracted_text, 200000)), ' '
                              ORDER BY a.position, a.id)), 'D')
          FROM meetings_attachment a WHERE a.item_id = p_item_id AND a.internal
    ), ''::tsvector)
$$;
"""
    return sql


def attachments_trigger(*, apart: bool) -> str:
    internal = (
        ",\n           internal_attachment_part = referat_search_internal_attachment_part(item_id)"
        if apart
        else ""
    )
    compared = "n.position, n.internal" if apart else "n.position"
    compared_old = "o.position, o.internal" if apart else "o.position"
    return f"""
CREATE OR REPLACE FUNCTION referat_search_attachments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT item_id) INTO ids FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only a change of what is indexed (or of the item) costs a recomputation.
        SELECT array_agg(DISTINCT item_id) INTO ids FROM (
            SELECT n.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.item_id, n.title, n.extracted_text, {compared})
                   IS DISTINCT FROM (o.item_id, o.title, o.extracted_text, {compared_old})
            UNION
            SELECT o.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.item_id IS DISTINCT FROM o.item_id) t;
    ELSE
        SELECT array_agg(DISTINCT item_id) INTO ids FROM old_rows;
    END IF;
    UPDATE meetings_searchdocument
       SET attachment_part = referat_search_attachment_part(item_id){internal}
     WHERE item_id = ANY(ids);
    RETURN NULL;
END $$;
"""


# The text snippets are cut from, as the reader may read it: the decision only with the
# minutes, internal attachments only for the body.
SEARCH_TEXT = """
CREATE OR REPLACE FUNCTION referat_search_text(
    p_item_id bigint, p_with_decision boolean, p_with_internal boolean
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' … ',
        CASE WHEN p_with_decision THEN
            (SELECT nullif(left(referat_html_to_text(d.text), 20000), '')
               FROM meetings_decision d WHERE d.item_id = i.id) END,
        (SELECT nullif(left(concat_ws(' ', r.unit, r.lead_in,
                    (SELECT string_agg(c.text, ' ' ORDER BY c.position)
                       FROM meetings_recommendationclause c WHERE c.recommendation_id = r.id),
                    referat_html_to_text(r.note)), 20000), '')
           FROM meetings_recommendation r WHERE r.item_id = i.id),
        nullif(left(referat_html_to_text(i.background), 20000), ''),
        nullif(left(referat_html_to_text(i.presentation), 20000), ''),
        nullif(left(referat_html_to_text(i.economy), 20000), ''),
        (SELECT nullif(left(string_agg(concat_ws(' ', a.title, left(a.extracted_text, 5000)),
                                       ' … ' ORDER BY a.position, a.id), 20000), '')
           FROM meetings_attachment a
          WHERE a.item_id = i.id AND (p_with_internal OR NOT a.internal)))
      FROM meetings_agendaitem i WHERE i.id = p_item_id
$$;
"""

REBUILD = """
UPDATE meetings_searchdocument
   SET attachment_part = referat_search_attachment_part(item_id),
       internal_attachment_part = referat_search_internal_attachment_part(item_id)
 WHERE item_id IN (SELECT item_id FROM meetings_attachment WHERE internal);
"""

FORWARD = (
    attachment_functions(CONFIG, apart=True)
    + attachments_trigger(apart=True)
    + SEARCH_TEXT
    + REBUILD
)
BACKWARD = (
    attachment_functions(CONFIG, apart=False)
    + attachments_trigger(apart=False)
    + """
DROP FUNCTION IF EXISTS referat_search_text(bigint, boolean, boolean);
DROP FUNCTION IF EXISTS referat_search_internal_attachment_part(bigint);
UPDATE meetings_searchdocument
   SET attachment_part = referat_search_attachment_part(item_id)
 WHERE item_id IN (SELECT item_id FROM meetings_attachment WHERE internal);
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0022_agenda_publication_and_public_bodies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE meetings_searchdocument ADD COLUMN internal_attachment_part "
                    "tsvector NOT NULL DEFAULT ''::tsvector",
                    "ALTER TABLE meetings_searchdocument DROP COLUMN internal_attachment_part",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="internal_attachment_part",
                    field=django.contrib.postgres.search.SearchVectorField(),
                ),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["internal_attachment_part"], name="searchdoc_internal_gin"
            ),
        ),
    ]
