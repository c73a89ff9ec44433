"""The search index's change log (issue 18): ``discovery_searchchange`` gets one row per hospital
whose searchable facts changed, written by database triggers, so nothing that writes to the
network (a form, the admin, a queryset ``update()``, ``bulk_create``, a raw import) can leave a
web process's in-memory search index stale. A row without a hospital means "reload everything"
(an accreditation body or an airport changed, or the log was pruned).

PostgreSQL: statement-level triggers with transition tables (one row per hospital per statement,
so a bulk load of 1,000,000 offers writes one row per hospital, not per offer). SQLite: row-level
triggers (SQLite has no statement-level ones)."""

from django.db import migrations, models

# (table, how a changed row names its hospital: a column, or an SQL expression over the row alias r)
SOURCES = [
    ("network_offer", "r.hospital_id"),
    ("network_hospital", "r.id"),
    ("network_accreditation", "r.hospital_id"),
    ("network_doctor", "r.hospital_id"),
    ("network_doctorlicence", "(SELECT d.hospital_id FROM network_doctor d WHERE d.id = r.doctor_id)"),
    ("network_doctor_specialties", "(SELECT d.hospital_id FROM network_doctor d WHERE d.id = r.doctor_id)"),
    ("discovery_synthetichospital", "r.hospital_id"),
    ("network_accreditationbody", "NULL"),
    ("catalog_airport", "NULL"),
]
BULK = 1000  # hospitals one statement may change before it logs "reload everything" (PostgreSQL)
EVENTS = {"insert": ("INSERT", ["NEW"]), "update": ("UPDATE", ["OLD", "NEW"]), "delete": ("DELETE", ["OLD"])}


def _pg_create() -> list[str]:
    out = []
    for table, expr in SOURCES:
        for event, (verb, sides) in EVENTS.items():
            name = f"mj_sc_{table}_{event}"
            selects = " UNION ".join(f"SELECT {expr} AS h FROM {side.lower()}_rows r" for side in sides)
            everything = "INSERT INTO discovery_searchchange (hospital_id, created_at) VALUES (NULL, now());"
            if expr == "NULL":
                body = everything
            else:
                # A bulk statement (more than BULK hospitals) writes one "reload everything" row
                # instead of a row per hospital: every index reloads once, nobody reads the list.
                body = (
                    f"IF (SELECT count(DISTINCT h) FROM ({selects}) x) > {BULK} THEN {everything} ELSE "
                    "INSERT INTO discovery_searchchange (hospital_id, created_at) "
                    f"SELECT DISTINCT h, now() FROM ({selects}) x WHERE h IS NOT NULL; END IF;"
                )
            referencing = " ".join(f"{side} TABLE AS {side.lower()}_rows" for side in sides)
            out.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$;"
            )
            out.append(
                f"CREATE TRIGGER {name} AFTER {verb} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
            )
    return out


def _sqlite_create() -> list[str]:
    out = []
    for table, expr in SOURCES:
        for event, (verb, sides) in EVENTS.items():
            inserts = " ".join(
                "INSERT INTO discovery_searchchange (hospital_id, created_at) "
                f"SELECT {expr.replace('r.', side + '.')}, CURRENT_TIMESTAMP;"
                for side in sides
            )
            out.append(
                f"CREATE TRIGGER mj_sc_{table}_{event} AFTER {verb} ON {table} FOR EACH ROW BEGIN {inserts} END;"
            )
    return out


def create_triggers(apps, schema_editor):  # noqa: ANN001, ARG001 - a migration's signature
    statements = _pg_create() if schema_editor.connection.vendor == "postgresql" else _sqlite_create()
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):  # noqa: ANN001, ARG001
    pg = schema_editor.connection.vendor == "postgresql"
    for table, _expr in SOURCES:
        for event in EVENTS:
            name = f"mj_sc_{table}_{event}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else ""))
            if pg:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0002_uxpages_saved_search"),
        ("network", "0002_airport_basis_city_main"),
        ("catalog", "0002_reference_price_nhs_cms"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("hospital_id", models.BigIntegerField(null=True)),
                ("created_at", models.DateTimeField()),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
