"""The search change log also watches countries (issue 18): a search's page shows its hospitals'
country names, and ``discovery/search/pagerows.py`` keeps the page's rows per index version, so a
country renamed by a reference-data import must give the indexes a new version. A country row
changed writes a change row without a hospital ("reload everything"), as an accreditation body or
an airport does (migration 0003)."""

from django.db import migrations

TABLES = ["catalog_country"]
EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
EVERYTHING = "INSERT INTO discovery_searchchange (hospital_id, created_at) VALUES (NULL, {now});"


def create_triggers(apps, schema_editor):  # noqa: ANN001, ARG001 - a migration's signature
    pg = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for event, verb in EVENTS.items():
            name = f"mj_sc_{table}_{event}"
            if pg:  # one row per statement, however many countries it changed
                schema_editor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"{EVERYTHING.format(now='now()')} RETURN NULL; END $$;"
                )
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {verb} ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
                )
            else:
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {verb} ON {table} FOR EACH ROW BEGIN "
                    f"{EVERYTHING.format(now='CURRENT_TIMESTAMP')} END;"
                )


def drop_triggers(apps, schema_editor):  # noqa: ANN001, ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for event in EVENTS:
            name = f"mj_sc_{table}_{event}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else ""))
            if pg:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0003_search_change_log"),
        ("catalog", "0002_reference_price_nhs_cms"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
