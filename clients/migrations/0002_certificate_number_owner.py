from django.db import migrations

# A certificate number belongs to one client per office.  A unique constraint cannot say this (a client's
# renewals repeat the number) and an exclusion constraint with <> needs btree_gist, which the embedded
# PostgreSQL lacks; so a trigger checks it, serialised per (office, number) by an advisory lock.
CREATE = """
CREATE FUNCTION certificate_number_unique_per_office() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(NEW.office_id::int, hashtext(NEW.number));
    IF EXISTS (SELECT 1 FROM clients_certificate
               WHERE office_id = NEW.office_id AND number = NEW.number AND client_id <> NEW.client_id) THEN
        RAISE EXCEPTION 'certificate number % already belongs to another client of this office', NEW.number
            USING ERRCODE = '23505', CONSTRAINT = 'certificate_number_unique_per_office';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certificate_number_unique_per_office
    BEFORE INSERT OR UPDATE OF number, client_id, office_id ON clients_certificate
    FOR EACH ROW EXECUTE FUNCTION certificate_number_unique_per_office();
"""
DROP = """
DROP TRIGGER IF EXISTS certificate_number_unique_per_office ON clients_certificate;
DROP FUNCTION IF EXISTS certificate_number_unique_per_office();
"""


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
