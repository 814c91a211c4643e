"""The lock on approved decisions, kept by the database itself.

Once every reviewer has approved an item, meetings/services/review.py sets `locked` on its
decision.
From then on these triggers refuse any change to the item's content — the decision, the item's
text columns, its recommendation and clauses, its attachments — whoever makes it: the app, the
admin, a bulk `QuerySet.update()` or plain SQL. (TRUNCATE, which needs the table's owner and
is how the test suite empties its database, is left alone.) They raise SQLSTATE RF423, which
meetings.locks.locked_edits_refused turns into a Danish DecisionLocked error.

Only meeting_reopen unlocks: clearing `locked` is refused unless the transaction has first set
`referat.reopening` to 'on' (the service does that, and sets it back right after).

The writers take a share lock on the decision row (referat_item_is_locked), so an edit and an
approval of the same item never interleave: the approval either sees the edit or refuses it.

The protected columns are listed by name, so that columns added for other purposes (a search
vector, a cache) can still be updated on a locked item. A new content column must be added
to the lists below in a new migration.
"""

from django.db import migrations

LOCK_SQLSTATE = "RF423"


def _changed(columns: list[str]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


DECISION_COLUMNS = ["text", "outcome", "decided_on", "item_id", "review_round", "review_hash"]
ITEM_COLUMNS = ["meeting_id", "title", "case_id", "closed", "background", "presentation", "economy"]
RECOMMENDATION_COLUMNS = ["item_id", "unit", "lead_in", "numbered", "note"]
CLAUSE_COLUMNS = ["recommendation_id", "position", "text"]
ATTACHMENT_COLUMNS = ["item_id", "title", "file", "content_type", "size", "position"]

FORWARD = f"""
CREATE OR REPLACE FUNCTION referat_refuse_locked(what text) RETURNS void AS $$
BEGIN
    RAISE EXCEPTION 'referat: % refused, the decision is approved and locked', what
        USING ERRCODE = '{LOCK_SQLSTATE}',
              HINT = 'Only reopening the minutes (meeting_reopen) unlocks an approved decision.';
END;
$$ LANGUAGE plpgsql;

-- True when the item's decision is locked. The share lock makes a concurrent approval of the
-- same item wait for this writer's commit (and this writer wait for the approval's).
CREATE OR REPLACE FUNCTION referat_item_is_locked(p_item_id bigint) RETURNS boolean AS $$
DECLARE
    is_locked boolean;
BEGIN
    SELECT d.locked INTO is_locked FROM meetings_decision d WHERE d.item_id = p_item_id FOR SHARE;
    RETURN coalesce(is_locked, false);
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_decision_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.locked THEN
            PERFORM referat_refuse_locked('deleting decision ' || OLD.id);
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.locked THEN
        IF {_changed(DECISION_COLUMNS)} THEN
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

CREATE OR REPLACE FUNCTION referat_item_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF referat_item_is_locked(OLD.id) THEN
            PERFORM referat_refuse_locked('deleting item ' || OLD.id);
        END IF;
        RETURN OLD;
    END IF;
    IF ({_changed(ITEM_COLUMNS)}) AND referat_item_is_locked(OLD.id) THEN
        PERFORM referat_refuse_locked('changing item ' || OLD.id);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_recommendation_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked(OLD.item_id) THEN
        IF TG_OP = 'DELETE' OR ({_changed(RECOMMENDATION_COLUMNS)}) THEN
            PERFORM referat_refuse_locked('changing the recommendation of item ' || OLD.item_id);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked(NEW.item_id) THEN
        IF TG_OP = 'INSERT' OR ({_changed(RECOMMENDATION_COLUMNS)}) THEN
            PERFORM referat_refuse_locked('changing the recommendation of item ' || NEW.item_id);
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
           AND (TG_OP = 'DELETE' OR ({_changed(CLAUSE_COLUMNS)})) THEN
            PERFORM referat_refuse_locked('changing a recommendation clause of item ' || old_item);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT item_id INTO new_item FROM meetings_recommendation WHERE id = NEW.recommendation_id;
        IF referat_item_is_locked(new_item)
           AND (TG_OP = 'INSERT' OR ({_changed(CLAUSE_COLUMNS)})) THEN
            PERFORM referat_refuse_locked('changing a recommendation clause of item ' || new_item);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION referat_attachment_lock() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND referat_item_is_locked(OLD.item_id) THEN
        IF TG_OP = 'DELETE' OR ({_changed(ATTACHMENT_COLUMNS)}) THEN
            PERFORM referat_refuse_locked('changing an attachment of item ' || OLD.item_id);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND referat_item_is_locked(NEW.item_id) THEN
        IF TG_OP = 'INSERT' OR ({_changed(ATTACHMENT_COLUMNS)}) THEN
            PERFORM referat_refuse_locked('changing an attachment of item ' || NEW.item_id);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referat_decision_lock BEFORE UPDATE OR DELETE ON meetings_decision
    FOR EACH ROW EXECUTE FUNCTION referat_decision_lock();
CREATE TRIGGER referat_item_lock BEFORE UPDATE OR DELETE ON meetings_agendaitem
    FOR EACH ROW EXECUTE FUNCTION referat_item_lock();
CREATE TRIGGER referat_recommendation_lock
    BEFORE INSERT OR UPDATE OR DELETE ON meetings_recommendation
    FOR EACH ROW EXECUTE FUNCTION referat_recommendation_lock();
CREATE TRIGGER referat_clause_lock
    BEFORE INSERT OR UPDATE OR DELETE ON meetings_recommendationclause
    FOR EACH ROW EXECUTE FUNCTION referat_clause_lock();
CREATE TRIGGER referat_attachment_lock BEFORE INSERT OR UPDATE OR DELETE ON meetings_attachment
    FOR EACH ROW EXECUTE FUNCTION referat_attachment_lock();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS referat_attachment_lock ON meetings_attachment;
DROP TRIGGER IF EXISTS referat_clause_lock ON meetings_recommendationclause;
DROP TRIGGER IF EXISTS referat_recommendation_lock ON meetings_recommendation;
DROP TRIGGER IF EXISTS referat_item_lock ON meetings_agendaitem;
DROP TRIGGER IF EXISTS referat_decision_lock ON meetings_decision;
DROP FUNCTION IF EXISTS referat_attachment_lock();
DROP FUNCTION IF EXISTS referat_clause_lock();
DROP FUNCTION IF EXISTS referat_recommendation_lock();
DROP FUNCTION IF EXISTS referat_item_lock();
DROP FUNCTION IF EXISTS referat_decision_lock();
DROP FUNCTION IF EXISTS referat_item_is_locked(bigint);
DROP FUNCTION IF EXISTS referat_refuse_locked(text);
"""


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_review_approvals_and_history")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
