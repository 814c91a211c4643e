"""The lock on approved decisions covers the item's money: its budget tables — their columns,
rows and cells — and its allocations from pools.

Like the item's text (meetings migrations 0005 and 0014), these rows are refused any insert,
update or delete while the item's decision is locked, whoever writes: the app, the admin, a bulk
`QuerySet.update()`, an import or plain SQL. The refusal is SQLSTATE RF423 with a Danish message
(meetings.locks turns it into DecisionLocked); only meeting_reopen unlocks.

The triggers are statement-level, with the statement's rows in transition tables: one query a
statement finds the items they belong to (cell → row → table → item) and share-locks those
items' decisions, so that an import's COPY of thousands of cells costs one lookup, not one per
row, and an approval and an edit of the same item never interleave (the approval waits for
the edit's commit, or the edit for the approval's and then sees the lock). An update counts
only when it changes a column listed below, so bookkeeping (a table's version, who saved it
last) is not content.
"""

from django.db import migrations

# The content of each table: what the approval covers and the minutes print.
TABLE_COLUMNS = [
    "id", "item_id", "section", "position", "caption", "unit", "ref_heading", "text_heading",
    "anchor",
]  # fmt: skip
COLUMN_COLUMNS = ["id", "table_id", "position", "label"]
ROW_COLUMNS = ["id", "table_id", "position", "kind", "ref", "text", "subtract"]
CELL_COLUMNS = ["id", "row_id", "column_id", "value", "unknown", "stated"]
ALLOCATION_COLUMNS = ["id", "pool_id", "item_id", "amount", "year", "permanent", "note"]

# The items a set of rows `{rows}` (aliased x) belongs to, per table.
ITEMS_OF_TABLES = "SELECT x.item_id FROM {rows} x"
ITEMS_OF_TABLE_PARTS = (
    "SELECT t.item_id FROM {rows} x JOIN budget_budgettable t ON t.id = x.table_id"
)
# A cell belongs to its row's table and to its column's table (the same one, unless forced).
ITEMS_OF_CELLS = (
    "SELECT t.item_id FROM {rows} x"
    " JOIN budget_budgetrow r ON r.id = x.row_id"
    " JOIN budget_budgettable t ON t.id = r.table_id"
    " UNION "
    "SELECT t.item_id FROM {rows} x"
    " JOIN budget_budgetcolumn c ON c.id = x.column_id"
    " JOIN budget_budgettable t ON t.id = c.table_id"
)
ITEMS_OF_ALLOCATIONS = "SELECT x.item_id FROM {rows} x"

LOCKED = [
    # table, what is refused (Danish, completed by the item), items of rows, content columns
    ("budget_budgettable", "ændring af budgettabellerne i", ITEMS_OF_TABLES, TABLE_COLUMNS),
    (
        "budget_budgetcolumn",
        "ændring af budgettabellernes kolonner i",
        ITEMS_OF_TABLE_PARTS,
        COLUMN_COLUMNS,
    ),
    ("budget_budgetrow", "ændring af budgettabellernes rækker i", ITEMS_OF_TABLE_PARTS, ROW_COLUMNS),
    ("budget_budgetcell", "ændring af budgettabellernes beløb i", ITEMS_OF_CELLS, CELL_COLUMNS),
    ("budget_allocation", "ændring af disponeringerne i", ITEMS_OF_ALLOCATIONS, ALLOCATION_COLUMNS),
]


def _changed_rows(columns: list[str], this: str, other: str) -> str:
    """The rows of transition table `this` that differ from `other` in a content column (an
    update's old or new side of what it changed)."""
    cols = ", ".join(columns)
    return f"(SELECT {cols} FROM {this} EXCEPT SELECT {cols} FROM {other})"


def _lock_function(table: str, what: str, items: str, columns: list[str]) -> str:
    updated = (
        items.format(rows=_changed_rows(columns, "old_rows", "new_rows"))
        + " UNION "
        + items.format(rows=_changed_rows(columns, "new_rows", "old_rows"))
    )
    return f"""
CREATE OR REPLACE FUNCTION referat_{table}_lock() RETURNS trigger AS $$
DECLARE
    locked_item bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        locked_item := referat_first_locked_item(ARRAY({items.format(rows="new_rows")}));
    ELSIF TG_OP = 'DELETE' THEN
        locked_item := referat_first_locked_item(ARRAY({items.format(rows="old_rows")}));
    ELSE
        locked_item := referat_first_locked_item(ARRAY({updated}));
    END IF;
    IF locked_item IS NOT NULL THEN
        PERFORM referat_refuse_locked('{what} ' || referat_item_label(locked_item));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_{table}_lock_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referat_{table}_lock();
CREATE TRIGGER referat_{table}_lock_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referat_{table}_lock();
CREATE TRIGGER referat_{table}_lock_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referat_{table}_lock();
"""


FORWARD = """
-- The first of these items (by id) whose decision is locked, or NULL. Every decision of the
-- items is share-locked first, and only then read: a concurrent approval of one of them
-- either waits for this transaction, or is waited for and its lock seen.
CREATE OR REPLACE FUNCTION referat_first_locked_item(p_item_ids bigint[]) RETURNS bigint AS $$
    SELECT d.item_id
      FROM (SELECT item_id, locked
              FROM meetings_decision
             WHERE item_id = ANY(p_item_ids)
             ORDER BY item_id
               FOR SHARE) d
     WHERE d.locked
     ORDER BY d.item_id
     LIMIT 1
$$ LANGUAGE sql;
""" + "".join(_lock_function(*locked) for locked in LOCKED)

BACKWARD = "".join(
    f"""
DROP TRIGGER IF EXISTS referat_{table}_lock_insert ON {table};
DROP TRIGGER IF EXISTS referat_{table}_lock_update ON {table};
DROP TRIGGER IF EXISTS referat_{table}_lock_delete ON {table};
DROP FUNCTION IF EXISTS referat_{table}_lock();
"""
    for table, *_rest in LOCKED
) + "DROP FUNCTION IF EXISTS referat_first_locked_item(bigint[]);\n"


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0004_history_of_tables_and_allocations"),
        # referat_refuse_locked and referat_item_label
        ("meetings", "0014_locks_need_a_recorded_reopen"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
