"""Approved content is unlocked only by a reopen on record; the refusals speak Danish.

Until now the lock triggers (0005_review_decision_lock_triggers) let `locked` be cleared in a
transaction that had set the session variable `referat.reopening` — which any connection may
set, so one line of SQL unlocked approved minutes. Now a decision is unlocked only in the
database transaction that has recorded a reopen of its meeting (a MeetingTransition row with
action "reopen", the meeting's latest): meeting_reopen records it first and then unlocks, and
plain SQL has to do the same, which leaves the reopen (who, when, why) on record and in the
history.

The transaction is told by `db_transaction`, which a trigger sets to pg_current_xact_id() on
every insert of a transition and keeps on every update, whatever the writer sends. (The row's
xmin would not do: a row written inside a savepoint — and Django makes every inner atomic block
one — carries the subtransaction's id, never the transaction's.)

The functions of 0005 are replaced with the same rules; their refusals now say in Danish which
item (number and meeting date) and what was refused.
"""

import importlib

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models



_LOCKS = importlib.import_module("meetings.migrations.0005_review_decision_lock_triggers")
_changed = _LOCKS._changed
LOCK_SQLSTATE = _LOCKS.LOCK_SQLSTATE

FORWARD = f"""
CREATE OR REPLACE FUNCTION referat_refuse_locked(what text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION 'Referat: % er afvist, fordi beslutningen er godkendt og låst.', what
        USING ERRCODE = '{LOCK_SQLSTATE}',
              HINT = 'Kun en genåbning af referatet låser en godkendt beslutning op.';
END;
$$ LANGUAGE plpgsql;

-- An item as a refusal names it: "punkt 4 på mødet 23-04-2018".
CREATE OR REPLACE FUNCTION referat_item_label(p_item_id bigint) RETURNS text AS $$
    SELECT coalesce(
        (SELECT 'punkt ' || i.number || ' på mødet '
                || to_char(m.starts_at AT TIME ZONE 'Europe/Copenhagen', 'DD-MM-YYYY')
           FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
          WHERE i.id = p_item_id),
        'punktet med id ' || p_item_id)
$$ LANGUAGE sql STABLE;

-- Every recorded move of the minutes carries the transaction that recorded it, set here and
-- never by the writer; an update keeps it.
CREATE OR REPLACE FUNCTION referat_transition_stamp() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.db_transaction := pg_current_xact_id()::text::bigint;
    ELSE
        NEW.db_transaction := OLD.db_transaction;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- True when the latest recorded move of the item's meeting is a reopen recorded by this
-- transaction. (An earlier reopen of the same transaction no longer counts once the minutes
-- have moved on, e.g. been sent for review again.)
CREATE OR REPLACE FUNCTION referat_reopen_recorded(p_item_id bigint) RETURNS boolean AS $$
    SELECT coalesce(
        (SELECT t.action = 'reopen' AND t.db_transaction = pg_current_xact_id()::text::bigint
           FROM meetings_agendaitem i
           JOIN meetings_meetingtransition t ON t.meeting_id = i.meeting_id
          WHERE i.id = p_item_id
          ORDER BY t.id DESC
          LIMIT 1),
        false)
$$ LANGUAGE sql STABLE;

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
        IF {_changed(_LOCKS.DECISION_COLUMNS)} THEN
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

CREATE OR REPLACE FUNCTION referat_item_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF referat_item_is_locked(OLD.id) THEN
            PERFORM referat_refuse_locked('sletning af ' || referat_item_label(OLD.id));
        END IF;
        RETURN OLD;
    END IF;
    IF ({_changed(_LOCKS.ITEM_COLUMNS)}) AND referat_item_is_locked(OLD.id) THEN
        PERFORM referat_refuse_locked('ændring af ' || referat_item_label(OLD.id));
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_recommendation_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked(OLD.item_id) THEN
        IF TG_OP = 'DELETE' OR ({_changed(_LOCKS.RECOMMENDATION_COLUMNS)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af indstillingen i ' || referat_item_label(OLD.item_id));
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked(NEW.item_id) THEN
        IF TG_OP = 'INSERT' OR ({_changed(_LOCKS.RECOMMENDATION_COLUMNS)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af indstillingen i ' || referat_item_label(NEW.item_id));
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_clause_lock() RETURNS trigger AS $$
DECLARE
    old_item bigint;
    new_item bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT item_id INTO old_item FROM meetings_recommendation WHERE id = OLD.recommendation_id;
        IF referat_item_is_locked(old_item)
           AND (TG_OP = 'DELETE' OR ({_changed(_LOCKS.CLAUSE_COLUMNS)})) THEN
            PERFORM referat_refuse_locked(
                'ændring af indstillingens at-punkter i ' || referat_item_label(old_item));
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT item_id INTO new_item FROM meetings_recommendation WHERE id = NEW.recommendation_id;
        IF referat_item_is_locked(new_item)
           AND (TG_OP = 'INSERT' OR ({_changed(_LOCKS.CLAUSE_COLUMNS)})) THEN
            PERFORM referat_refuse_locked(
                'ændring af indstillingens at-punkter i ' || referat_item_label(new_item));
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_attachment_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked(OLD.item_id) THEN
        IF TG_OP = 'DELETE' OR ({_changed(_LOCKS.ATTACHMENT_COLUMNS)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af bilagene i ' || referat_item_label(OLD.item_id));
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked(NEW.item_id) THEN
        IF TG_OP = 'INSERT' OR ({_changed(_LOCKS.ATTACHMENT_COLUMNS)}) THEN
            PERFORM referat_refuse_locked(
                'ændring af bilagene i ' || referat_item_label(NEW.item_id));
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_transition_stamp BEFORE INSERT OR UPDATE ON meetings_meetingtransition
    FOR EACH ROW EXECUTE FUNCTION referat_transition_stamp();
"""

# Back to 0005's functions (the part of its SQL before its triggers).
BACKWARD = (
    """
DROP TRIGGER IF EXISTS referat_transition_stamp ON meetings_meetingtransition;
DROP FUNCTION IF EXISTS referat_transition_stamp();
DROP FUNCTION IF EXISTS referat_reopen_recorded(bigint);
"""
    + _LOCKS.FORWARD.split("CREATE TRIGGER", 1)[0]
    + """
DROP FUNCTION IF EXISTS referat_item_label(bigint);
"""
)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0013_merge_case_titles_and_meeting_version'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='meetingtransition',
            name='update_update',
        ),
        migrations.AddField(
            model_name='meetingtransition',
            name='db_transaction',
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name='databasetransaktion'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='meetingtransition',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "meetings_meetingtransitionevent" ("action", "by_id", "created_at", "from_status", "id", "meeting_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "to_status") SELECT new_values."action", new_values."by_id", new_values."created_at", new_values."from_status", new_values."id", new_values."meeting_id", _pgh_attached_context.value, clock_timestamp(), \'update\', new_values."id", new_values."reason", new_values."to_status" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."action" IS DISTINCT FROM (new_values."action") OR old_values."by_id" IS DISTINCT FROM (new_values."by_id") OR old_values."created_at" IS DISTINCT FROM (new_values."created_at") OR old_values."from_status" IS DISTINCT FROM (new_values."from_status") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."meeting_id" IS DISTINCT FROM (new_values."meeting_id") OR old_values."reason" IS DISTINCT FROM (new_values."reason") OR old_values."to_status" IS DISTINCT FROM (new_values."to_status")) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='6dfbb291ee53acdd9417b01bf8b870deb121583a', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_d3276', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='meetings_meetingtransition', when='AFTER')),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
