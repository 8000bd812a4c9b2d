"""PostgreSQL: the database holds each person to what pledgetrack allows them.

Nothing changes on SQLite (there, whoever can write the file can do anything: the
file's permissions are the boundary; docs/SECURITY.md).

On PostgreSQL every person logs in with their own role (``pledgetrack user add``
creates it) and is a member of one of three group roles, created here if the server
has none yet: ``pledgetrack_staff``, ``pledgetrack_supervisor``, ``pledgetrack_admin``.
The group roles open the door (table privileges); what a person may do is decided by
row-level security against the ``app_user`` table of this database, looked up by
``session_user`` (which ``SET ROLE`` cannot change):

- everyone reads everything;
- staff insert readings only for targets of their department's items, entered by
  themselves; admins insert any reading; supervisors none;
- supervisors and admins insert reviews, never of a reading they entered or stored;
- admins change plans, items, targets, departments and users; nobody deletes a user;
- nobody updates or deletes a reading, a review or an audit row (migration 0004's
  triggers), and the audit rows of readings and reviews are written by triggers;
- who stored a reading or review, and which database login wrote an audit row, are
  set by triggers from ``session_user``: a person cannot claim to be someone else.

The role that runs the migrations owns the tables and is not held by any of this
(PostgreSQL's table owners bypass row-level security): it is the deployment's owner,
used for ``db upgrade``, ``backup`` and ``restore``, and trusted with everything.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF, SUPERVISOR, ADMIN = "pledgetrack_staff", "pledgetrack_supervisor", "pledgetrack_admin"
GROUPS = (STAFF, SUPERVISOR, ADMIN)
#: Changed by admins only (through plan imports and user management).
ADMIN_TABLES = ("plan", "pledge", "item", "department", "itemdepartment", "target")
#: Every table row-level security applies to.
SECURED = (*ADMIN_TABLES, "snapshot", "review", "audit", "app_user", "rule_cache")
FUNCTIONS = (
    "pledgetrack_person()",
    "pledgetrack_my_role()",
    "pledgetrack_may_enter(integer)",
    "pledgetrack_stamp_snapshot()",
    "pledgetrack_stamp_review()",
    "pledgetrack_stamp_audit()",
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    path = f'"{schema}", pg_temp'
    for group in GROUPS:
        # Roles belong to the server, not the database: another deployment (or an
        # earlier upgrade) may have made them already.
        op.execute(
            f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    everyone = ", ".join(GROUPS)
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {everyone}')
    op.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {everyone}')
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {everyone}')
    op.execute(f"GRANT INSERT ON snapshot TO {STAFF}, {ADMIN}")
    op.execute(f"GRANT INSERT ON review TO {SUPERVISOR}, {ADMIN}")
    op.execute(f"GRANT INSERT ON audit TO {everyone}")
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(ADMIN_TABLES)} TO {ADMIN}")
    op.execute(f"GRANT INSERT, UPDATE ON app_user, rule_cache TO {ADMIN}")
    op.execute(f"GRANT UPDATE ON rule_generation TO {ADMIN}")

    # Who is asking: a person (any login that is neither a superuser nor a member of
    # the tables' owner), as the user table of this database knows them.
    op.execute(
        "CREATE FUNCTION pledgetrack_person() RETURNS boolean LANGUAGE sql STABLE "
        f"SECURITY DEFINER SET search_path = {path} AS $$ "
        "SELECT NOT (r.rolsuper OR pg_has_role(session_user, c.relowner, 'MEMBER')) "
        "FROM pg_roles r, pg_class c WHERE r.rolname = session_user "
        "AND c.oid = 'snapshot'::regclass $$"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_my_role() RETURNS text LANGUAGE sql STABLE "
        f"SECURITY DEFINER SET search_path = {path} AS $$ "
        "SELECT role FROM app_user WHERE login = session_user AND active $$"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_may_enter(target integer) RETURNS boolean LANGUAGE sql "
        f"STABLE SECURITY DEFINER SET search_path = {path} AS $$ "
        "SELECT EXISTS (SELECT 1 FROM target t JOIN itemdepartment d ON d.item_id = t.item_id "
        "JOIN app_user u ON u.department_id = d.department_id "
        "WHERE t.id = target AND u.login = session_user AND u.active) $$"
    )
    # Stamps that cannot be claimed: who stored a row, and when.
    op.execute(
        "CREATE FUNCTION pledgetrack_stamp_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF pledgetrack_person() THEN NEW.recorded_by := session_user; "
        "NEW.recorded_at := now(); END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_stamp_review() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF pledgetrack_person() THEN NEW.recorded_by := session_user; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_stamp_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.db_user := session_user; "
        "IF pledgetrack_person() THEN NEW.user_login := session_user; END IF; "
        "RETURN NEW; END $$"
    )
    for table, function in (
        ("snapshot", "pledgetrack_stamp_snapshot"),
        ("review", "pledgetrack_stamp_review"),
        ("audit", "pledgetrack_stamp_audit"),
    ):
        op.execute(
            f"CREATE TRIGGER {table}_stamp BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {function}()"
        )

    for table in SECURED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY pledgetrack_read ON {table} FOR SELECT USING (true)")
    admin = "pledgetrack_my_role() = 'admin'"
    for table in (*ADMIN_TABLES, "rule_cache"):
        op.execute(
            f"CREATE POLICY pledgetrack_admin_insert ON {table} FOR INSERT WITH CHECK ({admin})"
        )
        op.execute(
            f"CREATE POLICY pledgetrack_admin_update ON {table} FOR UPDATE "
            f"USING ({admin}) WITH CHECK ({admin})"
        )
        op.execute(f"CREATE POLICY pledgetrack_admin_delete ON {table} FOR DELETE USING ({admin})")
    op.execute(
        f"CREATE POLICY pledgetrack_admin_insert ON app_user FOR INSERT WITH CHECK ({admin})"
    )
    op.execute(
        f"CREATE POLICY pledgetrack_admin_update ON app_user FOR UPDATE "
        f"USING ({admin}) WITH CHECK ({admin})"
    )
    op.execute(
        "CREATE POLICY pledgetrack_enter ON snapshot FOR INSERT WITH CHECK ("
        f"{admin} OR (pledgetrack_my_role() = 'staff' AND entered_by IN ('', session_user) "
        "AND pledgetrack_may_enter(target_id)))"
    )
    op.execute(
        "CREATE POLICY pledgetrack_review ON review FOR INSERT WITH CHECK ("
        "pledgetrack_my_role() IN ('supervisor', 'admin') "
        f"AND (reviewed_by = session_user OR {admin}) "
        "AND NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.id = snapshot_id "
        "AND session_user IN (s.entered_by, s.recorded_by)))"
    )
    op.execute(
        "CREATE POLICY pledgetrack_append ON audit FOR INSERT "
        "WITH CHECK (pledgetrack_my_role() IS NOT NULL)"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in SECURED:
        for policy in (
            "pledgetrack_read",
            "pledgetrack_admin_insert",
            "pledgetrack_admin_update",
            "pledgetrack_admin_delete",
            "pledgetrack_enter",
            "pledgetrack_review",
            "pledgetrack_append",
        ):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in ("snapshot", "review", "audit"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}")
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    everyone = ", ".join(GROUPS)
    op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {everyone}')
    op.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {everyone}')
    op.execute(f'REVOKE USAGE ON SCHEMA "{schema}" FROM {everyone}')
    # The group roles stay: other databases of the server may use them.
