"""The lock on approved decisions (0005) covers the political protocol too.

The approval covers a closed item's public decision and the item's protocol — who did not take
part, the votes and their ballots, the members' remarks (meetings/selectors/protocol.py
registers them in the approved content). Like the rest of the item's content, the database now
refuses to change them once the item's decision is locked, whoever tries: the decision's
`public_text` joins the decision's protected columns, and inserts, updates and deletes of the
item's participation, votes, ballots and remarks are refused with SQLSTATE RF423 until
meeting_reopen unlocks the decision.

Additions (tilføjelser) and their approvals are made after the approval, so they stay open.
A writer that brings approved minutes in (an import) writes the protocol before the locked
decision, as it does the recommendation and attachments.
"""

from django.db import migrations


def _changed(columns: list[str]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _decision_lock(columns: list[str]) -> str:
    return f"""
CREATE OR REPLACE FUNCTION referat_decision_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.locked THEN
            PERFORM referat_refuse_locked('deleting decision ' || OLD.id);
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.locked THEN
        IF {_changed(columns)} THEN
            PERFORM referat_refuse_locked('changing decision ' || OLD.id);
        END IF;
        IF NOT NEW.locked
           AND coalesce(current_setting('referat.reopening', true), '') <> 'on' THEN
            PERFORM referat_refuse_locked('unlocking decision ' || OLD.id || ' without a reopen');
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


DECISION_COLUMNS = ["text", "outcome", "decided_on", "item_id", "review_round", "review_hash"]

# table: (the row's columns that are content, the SQL giving the row's item from a record)
PROTOCOL_TABLES = {
    "meetings_itemparticipation": (
        ["item_id", "member_id", "kind", "substitute_for_id", "note"],
        "{row}.item_id",
    ),
    "meetings_vote": (["item_id", "position", "question"], "{row}.item_id"),
    "meetings_ballot": (
        ["vote_id", "member_id", "choice"],
        "(SELECT v.item_id FROM meetings_vote v WHERE v.id = {row}.vote_id)",
    ),
    "meetings_remark": (["item_id", "kind", "member_id", "text"], "{row}.item_id"),
}


def _protocol_lock(table: str, columns: list[str], item_of: str) -> str:
    old_item, new_item = item_of.format(row="OLD"), item_of.format(row="NEW")
    return f"""
CREATE OR REPLACE FUNCTION referat_{table}_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked({old_item}) THEN
        IF TG_OP = 'DELETE' OR ({_changed(columns)}) THEN
            PERFORM referat_refuse_locked('changing the protocol of item ' || {old_item});
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked({new_item}) THEN
        IF TG_OP = 'INSERT' OR ({_changed(columns)}) THEN
            PERFORM referat_refuse_locked('changing the protocol of item ' || {new_item});
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_{table}_lock BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION referat_{table}_lock();
"""


FORWARD = _decision_lock([*DECISION_COLUMNS, "public_text"]) + "".join(
    _protocol_lock(table, columns, item_of) for table, (columns, item_of) in PROTOCOL_TABLES.items()
)

BACKWARD = _decision_lock(DECISION_COLUMNS) + "".join(
    f"DROP TRIGGER IF EXISTS referat_{table}_lock ON {table};\n"
    f"DROP FUNCTION IF EXISTS referat_{table}_lock();\n"
    for table in PROTOCOL_TABLES
)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0015_attendance_members")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
