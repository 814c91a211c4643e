"""Danish word forms in the search: the text search configuration `referat_danish`
(meetings/search_config.py), a word-form dictionary built from Hunspell in front of the
Snowball stemmer, used by the index functions; every search document is rebuilt with it.

The dictionary's file must be on the database server (scripts/setup.sh, the db image of
docker-compose.yml); without it the migration stops and says how to get it."""

from django.db import DatabaseError, migrations

from meetings.search_config import CONFIG, FORMS_DICTIONARY, FORMS_FILE

# PostgreSQL's answer when a dictionary's file cannot be read.
CONFIG_FILE_ERROR = "F0000"
# The token types that `danish` sends to its stemmer.
WORD_TOKENS = "asciiword, word, hword, hword_part, hword_asciipart, asciihword"


def index_functions(config: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION referat_search_item_part(
    p_title text, p_case_number text, p_case_title text,
    p_background text, p_presentation text, p_economy text
) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('{config}', concat_ws(' ', p_title, p_case_number, p_case_title)), 'A')
        || setweight(to_tsvector('{config}', coalesce(p_background, '')), 'C')
        || setweight(to_tsvector('{config}', concat_ws(' ', p_presentation, p_economy)), 'D')
$$;

CREATE OR REPLACE FUNCTION referat_search_recommendation_part(p_item_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT setweight(to_tsvector('{config}', concat_ws(' ', r.unit, r.lead_in,
                   (SELECT string_agg(c.text, ' ' ORDER BY c.position)
                      FROM meetings_recommendationclause c WHERE c.recommendation_id = r.id),
                   r.note)), 'C')
          FROM meetings_recommendation r WHERE r.item_id = p_item_id
    ), ''::tsvector)
$$;

CREATE OR REPLACE FUNCTION referat_search_decision_part(p_item_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT setweight(to_tsvector('{config}', d.text), 'B')
          FROM meetings_decision d WHERE d.item_id = p_item_id
    ), ''::tsvector)
$$;

CREATE OR REPLACE FUNCTION referat_search_attachment_part(p_item_id bigint)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((
        SELECT setweight(to_tsvector('{config}',
                   string_agg(concat_ws(' ', a.title, left(a.extracted_text, 200000)), ' '
                              ORDER BY a.position, a.id)), 'D')
          FROM meetings_attachment a WHERE a.item_id = p_item_id
    ), ''::tsvector)
$$;
"""


REBUILD = """
UPDATE meetings_searchdocument sd
   SET item_part = referat_search_item_part(i.title, c.number, c.title, i.background,
                                            i.presentation, i.economy),
       recommendation_part = referat_search_recommendation_part(i.id),
       decision_part = referat_search_decision_part(i.id),
       attachment_part = referat_search_attachment_part(i.id)
  FROM meetings_agendaitem i LEFT JOIN meetings_case c ON c.id = i.case_id
 WHERE sd.item_id = i.id;
"""


def create_configuration(apps, schema_editor):
    try:
        schema_editor.execute(
            f"CREATE TEXT SEARCH DICTIONARY {FORMS_DICTIONARY} "
            f"(TEMPLATE = synonym, SYNONYMS = {FORMS_FILE})"
        )
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) != CONFIG_FILE_ERROR:
            raise
        raise RuntimeError(
            f"The Danish word-form dictionary {FORMS_FILE}.syn is missing from the database "
            "server's tsearch_data folder. Run scripts/setup.sh (a development machine) or "
            "build the db image of docker-compose.yml; on another server run, as root, "
            "scripts/install-danish-dictionary.sh. "
            f"({error})"
        ) from error
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = danish)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        f"ALTER MAPPING FOR {WORD_TOKENS} WITH {FORMS_DICTIONARY}, danish_stem"
    )


def drop_configuration(apps, schema_editor):
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {FORMS_DICTIONARY}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0015_attendance_members"),
    ]

    operations = [
        migrations.RunPython(create_configuration, migrations.RunPython.noop),
        migrations.RunSQL(index_functions(CONFIG) + REBUILD, index_functions("danish") + REBUILD),
        migrations.RunPython(migrations.RunPython.noop, drop_configuration),
    ]
