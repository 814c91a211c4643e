"""The text search configuration of the Danish search, named in this one place: the database
functions that build the index (created by migrations from these names) and every query,
snippet and benchmark use it.

`referat_danish` is PostgreSQL's `danish` with a word-form dictionary in front of the Snowball
stemmer, so that the forms of a word meet on one lexeme: "budget", "budgettet" and
"budgetter"; "barn", "børn" and "børnene"; "år", "året" and "årene". The dictionary is a
`synonym` dictionary read from the database server's $SHAREDIR/tsearch_data/<FORMS_FILE>.syn,
which scripts/build_danish_dictionary.py builds from the Danish Hunspell dictionary (Debian's
`hunspell-da`); scripts/setup.sh and docker/postgres/Dockerfile put it there. A change of the
configuration is a migration that replaces the index functions and rebuilds the index, as
`0016_search_danish_word_forms` does.
"""

CONFIG = "referat_danish"
FORMS_DICTIONARY = "referat_danish_forms"
FORMS_FILE = "referat_danish"
