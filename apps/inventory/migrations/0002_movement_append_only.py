"""Database triggers that make the ledger append-only, whatever code touches it.

UPDATE is refused on every backend. DELETE is refused on PostgreSQL only: SQLite's
``flush`` (used between transactional tests) deletes rows one table at a time, whereas
PostgreSQL truncates, which row triggers do not see.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION inventory_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'inventory_movement is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_movement_no_update BEFORE UPDATE ON inventory_movement
    FOR EACH ROW EXECUTE FUNCTION inventory_movement_append_only();
CREATE TRIGGER inventory_movement_no_delete BEFORE DELETE ON inventory_movement
    FOR EACH ROW EXECUTE FUNCTION inventory_movement_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER inventory_movement_no_delete ON inventory_movement;
DROP TRIGGER inventory_movement_no_update ON inventory_movement;
DROP FUNCTION inventory_movement_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER inventory_movement_no_update BEFORE UPDATE ON inventory_movement
BEGIN SELECT RAISE(ABORT, 'inventory_movement is append-only: UPDATE refused'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER inventory_movement_no_update;"


def forward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    sql = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
