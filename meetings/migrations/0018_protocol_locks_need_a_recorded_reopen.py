"""The political protocol is locked like the rest of an approved item, by the rule of
0014_locks_need_a_recorded_reopen: only a transaction that has recorded a reopen of the meeting
unlocks it.

0016_lock_protocol_with_decision put the decision's public text and the item's participation,
votes, ballots and remarks under the lock with the session-variable rule of 0005; here the
decision's lock function is written anew with the recorded-reopen rule and the public text,
the protocol tables' refusals speak Danish and name the item, and an approved addition
(tilføjelse) is locked too: once every signer has approved it, it and its approvals change only
in a transaction that has recorded a reopen.
"""

import importlib

from django.db import migrations

_LOCKS = importlib.import_module("meetings.migrations.0005_review_decision_lock_triggers")
_PROTOCOL = importlib.import_module("meetings.migrations.0016_lock_protocol_with_decision")
_changed = _LOCKS._changed

DECISION_COLUMNS = [*_LOCKS.DECISION_COLUMNS, "public_text"]

DECISION_LOCK = f"""
CREATE OR REPLACE FUNCTION referat_decision_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.locked THEN
            PERFORM referat_refuse_locked(
                'sletning af beslutningen i ' || referat_item_label(OLD.item_id));
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.locked THEN
        IF {_changed(DECISION_COLUMNS)} THEN
            PERFORM referat_refuse_locked(
                'ændring af beslutningen i ' || referat_item_label(OLD.item_id));
        END IF;
        IF NOT NEW.locked AND NOT referat_reopen_recorded(OLD.item_id) THEN
            PERFORM referat_refuse_locked(
                'oplåsning af beslutningen i ' || referat_item_label(OLD.item_id)
                || ' uden en genåbning af referatet i samme transaktion');
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _protocol_lock(table: str, columns: list[str], item_of: str) -> str:
    old_item, new_item = item_of.format(row="OLD"), item_of.format(row="NEW")
    return f"""
CREATE OR REPLACE FUNCTION referat_{table}_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked({old_item}) THEN
        IF TG_OP = 'DELETE' OR ({_changed(columns)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af protokollen for ' || referat_item_label({old_item}));
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked({new_item}) THEN
        IF TG_OP = 'INSERT' OR ({_changed(columns)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af protokollen for ' || referat_item_label({new_item}));
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


ADDENDUM_LOCK = """
CREATE OR REPLACE FUNCTION referat_addendum_lock() RETURNS trigger AS $$
BEGIN
    IF OLD.approved_at IS NOT NULL AND NOT referat_reopen_recorded(OLD.item_id) THEN
        PERFORM referat_refuse_locked(
            'ændring af en godkendt tilføjelse til ' || referat_item_label(OLD.item_id));
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_addendum_lock BEFORE UPDATE OR DELETE ON meetings_addendum
    FOR EACH ROW EXECUTE FUNCTION referat_addendum_lock();

CREATE OR REPLACE FUNCTION referat_addendumapproval_lock() RETURNS trigger AS $$
DECLARE
    item bigint;
BEGIN
    SELECT a.item_id INTO item FROM meetings_addendum a
     WHERE a.id = OLD.addendum_id AND a.approved_at IS NOT NULL;
    IF item IS NOT NULL AND NOT referat_reopen_recorded(item) THEN
        PERFORM referat_refuse_locked(
            'ændring af godkendelsen af en tilføjelse til ' || referat_item_label(item));
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_addendumapproval_lock BEFORE UPDATE OR DELETE
    ON meetings_addendumapproval
    FOR EACH ROW EXECUTE FUNCTION referat_addendumapproval_lock();
"""

FORWARD = (
    DECISION_LOCK
    + "".join(
        _protocol_lock(table, columns, item_of)
        for table, (columns, item_of) in _PROTOCOL.PROTOCOL_TABLES.items()
    )
    + ADDENDUM_LOCK
)

BACKWARD = """
DROP TRIGGER IF EXISTS referat_addendumapproval_lock ON meetings_addendumapproval;
DROP FUNCTION IF EXISTS referat_addendumapproval_lock();
DROP TRIGGER IF EXISTS referat_addendum_lock ON meetings_addendum;
DROP FUNCTION IF EXISTS referat_addendum_lock();
""" + _PROTOCOL._decision_lock(DECISION_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0017_merge_protocol_and_archive_import"),
        ("meetings", "0014_locks_need_a_recorded_reopen"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
