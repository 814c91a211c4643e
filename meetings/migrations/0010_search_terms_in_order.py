from django.db import migrations

# Imports write batches side by side on two connections; each inserts the new words of its
# titles. Inserted in order, two transactions bringing the same new words wait for each other
# instead of deadlocking.
ORDERED = r"""
CREATE OR REPLACE FUNCTION referat_search_add_terms(p_texts text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO meetings_searchterm (word)
    SELECT DISTINCT w
      FROM unnest(p_texts) AS t(text),
           regexp_split_to_table(lower(t.text), '[^[:alnum:]]+') AS w
     WHERE length(w) BETWEEN 4 AND 60 AND w !~ '[0-9]'
     ORDER BY w
    ON CONFLICT DO NOTHING
$$;
"""

UNORDERED = r"""
CREATE OR REPLACE FUNCTION referat_search_add_terms(p_texts text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO meetings_searchterm (word)
    SELECT DISTINCT w
      FROM unnest(p_texts) AS t(text),
           regexp_split_to_table(lower(t.text), '[^[:alnum:]]+') AS w
     WHERE length(w) BETWEEN 4 AND 60 AND w !~ '[0-9]'
    ON CONFLICT DO NOTHING
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0009_history_statement_level"),
    ]

    operations = [migrations.RunSQL(ORDERED, UNORDERED)]
