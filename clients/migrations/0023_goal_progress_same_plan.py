from django.db import migrations

# A monitoring's progress note is about a goal of the plan monitored.  A check constraint cannot look at two
# other tables, so a trigger refuses a goal of another plan (the service checks it first and names the field).
CREATE = """
CREATE FUNCTION goal_progress_same_plan() RETURNS trigger AS $$
BEGIN
    IF (SELECT plan_id FROM clients_plangoal WHERE id = NEW.goal_id)
       IS DISTINCT FROM (SELECT plan_id FROM clients_supportplanreview WHERE id = NEW.review_id) THEN
        RAISE EXCEPTION 'goal % is not a goal of the monitored plan', NEW.goal_id
            USING ERRCODE = '23514', CONSTRAINT = 'goal_progress_same_plan';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER goal_progress_same_plan
    BEFORE INSERT OR UPDATE OF goal_id, review_id ON clients_goalprogress
    FOR EACH ROW EXECUTE FUNCTION goal_progress_same_plan();
"""
DROP = """
DROP TRIGGER IF EXISTS goal_progress_same_plan ON clients_goalprogress;
DROP FUNCTION IF EXISTS goal_progress_same_plan();
"""


class Migration(migrations.Migration):
    dependencies = [("clients", "0022_support_plan_full")]
    operations = [migrations.RunSQL(CREATE, DROP)]
