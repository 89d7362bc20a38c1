"""Server-side seed of the opportunities schema on top of a seeded contacts schema (issue 5 benchmark).

Same practice as ``bench/contacts/seed.py`` (whose helpers it imports: ``bench_seed.u``/``pick``, ``Timer``,
``execute_script``): ``INSERT … SELECT`` over ``generate_series`` with deterministic md5-based draws, so a row's
values depend on its number only and the data set is the same at every run with the same sizes and anchor date.

What it writes, in order:
1. The read model of contacts (``account_refs``, ``contact_refs``) for every seeded account and contact, built from
   the contacts rows exactly as the contacts events would have built it (``readmodel.py``: name, reps, account,
   names, email, ``list_ids`` = the record's memberships, ``version``, ``deleted_at``). Only a benchmark may read
   the contacts schema from here: the service never does.
2. Opportunities of organization A with 1-5 product lines each (O-5: ``quantity × unit_price + shipping −
   discount`` rounded to the cent, the opportunity's total the sum of its lines), on the account of a drawn
   contact (named on it 60 % of the time) or, for contacts without an account, on a drawn account. Stages are
   drawn with ``STAGE_SHARES`` (most open); open ones close between 60 days ago and a year ahead (3 % without a
   date), closed ones over the last 2 years; rep 1 is the account's rep 80 % of the time; 5 % come from an
   accounting system (``source`` acomba/quickbooks, read-only, O-7).
3. Tasks of organization A across the assignees (types ``TYPE_SHARES``; 15 % on an opportunity, 60 % on a
   contact and its account, 15 % on an account, 10 % unlinked), created over the last 2 years, due within 30
   days of their creation (notes have no due time), statuses according to whether they are past due.
4. The contacts service's ``opportunity_summaries`` (C-12 action criteria), as the opportunities events would
   have filled them, and ``task_summaries`` when that table exists (its columns are matched by name).

The secondary indexes of those tables are dropped for the load and rebuilt from their own definitions;
foreign-key triggers are off for the loading session and ``check_integrity`` verifies the links afterwards.
"""
from decimal import Decimal

import seed as contacts_seed  # bench/contacts/seed.py (the runner puts bench/contacts on sys.path)

from carnet_opportunities.opportunities import lines as line_rules

OPPORTUNITY_TABLES = ("account_refs", "contact_refs", "opportunities", "opportunity_lines", "tasks")
# Share of opportunities per stage probability (most open: 75 %).
STAGE_SHARES = {0: 0.12, 10: 0.20, 25: 0.15, 40: 0.13, 60: 0.10, 80: 0.08, 90: 0.09, 100: 0.13}
LINE_COUNT_SHARES = (0.35, 0.25, 0.20, 0.12, 0.08)  # 1, 2, 3, 4, 5 lines
TYPE_SHARES = {"call": 0.30, "email": 0.25, "meeting": 0.13, "note": 0.20, "todo": 0.12}
LINK_SHARES = (0.15, 0.60, 0.15, 0.10)  # opportunity, contact (+ its account), account, none
TASK_TITLES = {"call": "Appeler", "email": "Courriel de suivi", "meeting": "Rencontre", "note": "Note",
               "todo": "À faire"}
OPPORTUNITY_TITLES = ["Renouvellement des licences", "Projet d'implantation", "Soumission — entretien annuel",
                      "Formation des équipes", "Mise à niveau du parc", "Contrat de soutien", "Agrandissement",
                      "Service-conseil", "Migration infonuagique", "Équipement d'atelier", "Audit de sécurité",
                      "Renewal", "Expansion project"]
PRODUCT_GROUPS = ["Logiciels", "Services professionnels", "Matériel", "Formation", "Soutien annuel"]
PRODUCTS = ["Licence annuelle", "Heures de consultation", "Poste de travail", "Atelier d'une journée",
            "Contrat de soutien", "Serveur", "Frais d'installation", "Module comptable", "Écran 27 po",
            "Hébergement"]


def cumulative(shares):
    """``width_bucket`` thresholds: ``[0, s1, s1 + s2, …]`` (one per share), so bucket ``i`` has share ``i``."""
    out, total = [], 0.0
    for share in shares:
        out.append(round(total, 6))
        total += share
    return out


READ_MODEL = """
INSERT INTO opportunities.account_refs (id, org_id, name, rep1_id, rep2_id, list_ids, deleted_at, version)
SELECT a.id, a.org_id, a.name, a.rep1_id, a.rep2_id, coalesce(m.list_ids, '{}'), a.deleted_at, a.version
FROM contacts.accounts a
LEFT JOIN (SELECT account_id, array_agg(list_id ORDER BY list_id) AS list_ids FROM contacts.account_members
           GROUP BY account_id) m ON m.account_id = a.id;
INSERT INTO opportunities.contact_refs (id, org_id, account_id, first_name, last_name, email, rep1_id, rep2_id,
                                        list_ids, deleted_at, version)
SELECT c.id, c.org_id, c.account_id, c.first_name, c.last_name, c.email, c.rep1_id, c.rep2_id,
       coalesce(m.list_ids, '{}'), c.deleted_at, c.version
FROM contacts.contacts c
LEFT JOIN (SELECT contact_id, array_agg(list_id ORDER BY list_id) AS list_ids FROM contacts.list_members
           GROUP BY contact_id) m ON m.contact_id = c.id
"""

OPPORTUNITY_DRAWS = """
CREATE UNLOGGED TABLE bench_seed.opp AS
SELECT x.no, x.id, x.h3, coalesce(c.account_id, x.fallback_account) AS account_id,
       CASE WHEN c.account_id IS NOT NULL AND bench_seed.u(x.h1, 1) < 0.6 THEN c.id END AS contact_id,
       (%(stages)s::text[])[x.st] AS stage_id, (%(probs)s::int[])[x.st] AS probability, x.close_date,
       CASE WHEN bench_seed.u(x.h2, 1) < 0.8 AND a.rep1_id IS NOT NULL THEN a.rep1_id
            ELSE (%(reps)s::text[])[bench_seed.pick(cardinality(%(reps)s::text[]), bench_seed.u(x.h2, 2), 1.0)]
            END AS rep1_id,
       CASE WHEN bench_seed.u(x.h4, 0) < 0.1
            THEN (%(reps)s::text[])[bench_seed.pick(cardinality(%(reps)s::text[]), bench_seed.u(x.h4, 1), 1.0)]
            END AS rep2_id,
       (%(titles)s::text[])[bench_seed.pick(cardinality(%(titles)s::text[]), bench_seed.u(x.h4, 2), 1.3)]
           || ' ' || x.no AS title,
       CASE WHEN bench_seed.u(x.h4, 3) < 0.03 THEN 'acomba' WHEN bench_seed.u(x.h4, 3) < 0.05 THEN 'quickbooks'
            ELSE 'crm' END AS source,
       (least(coalesce(x.close_date, %(anchor)s::date), %(anchor)s::date) - 7 - floor(bench_seed.u(x.h2, 0) * 300)::int)
           + make_interval(secs => floor(bench_seed.u(x.h1, 1) * 86400)::int) AS created_local
FROM (
  SELECT s.*, md5('a:' || %(org)s || ':' || bench_seed.pick(%(accounts)s, bench_seed.u(s.h2, 3), 1.3))::uuid::text
             AS fallback_account,
         CASE WHEN s.st BETWEEN 2 AND cardinality(%(probs)s::int[]) - 1 THEN
                   CASE WHEN bench_seed.u(s.h3, 3) < 0.03 THEN NULL
                        ELSE %(anchor)s::date - 60 + floor(bench_seed.u(s.h1, 3) * 425)::int END
              ELSE %(anchor)s::date - floor(bench_seed.u(s.h1, 3) * 730)::int END AS close_date
  FROM (SELECT g AS no, md5('o:' || %(org)s || ':' || g)::uuid::text AS id,
               md5('o1:' || %(org)s || g) AS h1, md5('o2:' || %(org)s || g) AS h2, md5('o3:' || %(org)s || g) AS h3,
               md5('o4:' || %(org)s || g) AS h4,
               md5('c:' || %(org)s || ':' || bench_seed.pick(%(contacts)s, bench_seed.u(md5('o1:' || %(org)s || g), 0), 1.0))::uuid::text
                   AS contact_pick,
               width_bucket(bench_seed.u(md5('o1:' || %(org)s || g), 2), %(stage_cum)s::float8[]) AS st
        FROM generate_series(1, %(n)s) g OFFSET 0) s
) x
LEFT JOIN contacts.contacts c ON c.id = x.contact_pick
LEFT JOIN contacts.accounts a ON a.id = coalesce(c.account_id, x.fallback_account);
CREATE UNIQUE INDEX ON bench_seed.opp (no)
"""

LINE_DRAWS = """
CREATE UNLOGGED TABLE bench_seed.opp_lines AS
SELECT y.*, round(y.quantity * y.unit_price + y.shipping - y.discount, 2) AS total
FROM (
  SELECT x.no, x.opportunity_id, x.position, x.product_group, x.product_code, x.description, x.quantity,
         x.unit_price, x.shipping,
         CASE WHEN bench_seed.u(x.h2, 0) < 0.2 THEN round(x.quantity * x.unit_price * 0.1, 2) ELSE 0 END AS discount
  FROM (
    SELECT o.no, o.id AS opportunity_id, j AS position, l.h2,
           (%(groups)s::text[])[bench_seed.pick(cardinality(%(groups)s::text[]), bench_seed.u(l.h, 0), 1.2)]
               AS product_group,
           'P-' || lpad((1 + floor(bench_seed.u(l.h2, 1) * 400))::int::text, 4, '0') AS product_code,
           (%(products)s::text[])[bench_seed.pick(cardinality(%(products)s::text[]), bench_seed.u(l.h2, 2), 1.2)]
               AS description,
           CASE WHEN bench_seed.u(l.h, 0) < 0.25 THEN round((0.5 + bench_seed.u(l.h, 1) * 40)::numeric, 1)
                ELSE (1 + floor(bench_seed.u(l.h, 1) * 12))::numeric END AS quantity,
           round((20 + power(bench_seed.u(l.h, 2), 2) * 4980)::numeric, 2) AS unit_price,
           CASE WHEN bench_seed.u(l.h, 3) < 0.3 THEN round((bench_seed.u(l.h, 3) * 300)::numeric, 2) ELSE 0 END
               AS shipping
    FROM bench_seed.opp o,
         LATERAL generate_series(0, width_bucket(bench_seed.u(o.h3, 2), %(line_cum)s::float8[]) - 1) j,
         LATERAL (SELECT md5('l:' || o.id || ':' || j) AS h, md5('l2:' || o.id || ':' || j) AS h2) l
  ) x
) y
"""

OPPORTUNITIES = """
INSERT INTO opportunities.opportunities (id, org_id, title, account_id, contact_id, stage_id, substage_id,
    probability, rep1_id, rep2_id, close_date, total, source, external_ref, custom, version, created_by,
    created_at, updated_at, deleted_at, deleted_with)
SELECT o.id, %(org)s, o.title, o.account_id, o.contact_id, o.stage_id, NULL, o.probability, o.rep1_id, o.rep2_id,
       o.close_date, coalesce(t.total, 0), o.source,
       CASE WHEN o.source <> 'crm' THEN upper(left(o.source, 3)) || '-' || o.no END, '{}'::jsonb, 1, o.rep1_id,
       o.created_local AT TIME ZONE 'America/Toronto', o.created_local AT TIME ZONE 'America/Toronto', NULL, NULL
FROM bench_seed.opp o
LEFT JOIN (SELECT no, sum(total) AS total FROM bench_seed.opp_lines GROUP BY no) t ON t.no = o.no;
INSERT INTO opportunities.opportunity_lines (id, opportunity_id, position, product_group, product_code,
    description, quantity, unit_price, shipping, discount, total)
SELECT md5('li:' || opportunity_id || ':' || position)::uuid::text, opportunity_id, position, product_group,
       product_code, description, quantity, unit_price, shipping, discount, total
FROM bench_seed.opp_lines
"""

TASKS = """
INSERT INTO opportunities.tasks (id, org_id, type, status, title, description, due_at, assignee_id, created_by,
    contact_id, account_id, opportunity_id, version, created_at, updated_at)
SELECT z.id, %(org)s, z.type,
       CASE WHEN z.due_at IS NULL AND z.type = 'note' THEN 'done'
            WHEN z.due_at IS NULL OR z.due_at >= %(anchor_ts)s::timestamptz
                THEN (ARRAY['todo', 'in_progress', 'done'])[width_bucket(bench_seed.u(z.h3, 2), ARRAY[0, 0.65, 0.95]::float8[])]
            ELSE (ARRAY['done', 'in_progress', 'todo'])[width_bucket(bench_seed.u(z.h3, 2), ARRAY[0, 0.85, 0.90]::float8[])]
       END,
       z.title, z.description, z.due_at, z.assignee, z.created_by,
       CASE z.link WHEN 1 THEN o.contact_id WHEN 2 THEN c.id END,
       CASE z.link WHEN 1 THEN o.account_id WHEN 2 THEN c.account_id WHEN 3 THEN z.account_pick END,
       CASE WHEN z.link = 1 THEN o.id END,
       1, z.created_at, z.created_at
FROM (
  SELECT y.*,
         CASE WHEN y.type = 'note' OR bench_seed.u(y.h3, 0) < 0.05 THEN NULL
              ELSE date_trunc('hour', y.created_at + make_interval(secs => floor(bench_seed.u(y.h3, 1) * 2592000)::int))
              END AS due_at
  FROM (
    SELECT x.g, x.id, x.h3, x.link,
           (%(types)s::text[])[x.ti] AS type,
           (%(type_titles)s::text[])[x.ti] || ' n° ' || x.g AS title,
           CASE WHEN bench_seed.u(x.h3, 3) < 0.2 THEN 'Suivi de la soumission; rappeler avant la fin du mois.' END
               AS description,
           %(anchor_ts)s::timestamptz - make_interval(secs => floor(bench_seed.u(x.h1, 2) * 63072000)::int)
               AS created_at,
           (%(users)s::text[])[bench_seed.pick(cardinality(%(users)s::text[]), bench_seed.u(x.h2, 0), 1.0)]
               AS assignee,
           CASE WHEN bench_seed.u(x.h1, 3) < 0.25 THEN %(admin)s ELSE
               (%(users)s::text[])[bench_seed.pick(cardinality(%(users)s::text[]), bench_seed.u(x.h2, 0), 1.0)]
               END AS created_by,
           bench_seed.pick(%(opportunities)s, bench_seed.u(x.h2, 1), 1.0) AS opp_no,
           md5('c:' || %(org)s || ':' || bench_seed.pick(%(contacts)s, bench_seed.u(x.h2, 2), 1.0))::uuid::text
               AS contact_pick,
           md5('a:' || %(org)s || ':' || bench_seed.pick(%(accounts)s, bench_seed.u(x.h2, 3), 1.3))::uuid::text
               AS account_pick
    FROM (SELECT g, md5('t:' || %(org)s || ':' || g)::uuid::text AS id, md5('t1:' || %(org)s || g) AS h1,
                 md5('t2:' || %(org)s || g) AS h2, md5('t3:' || %(org)s || g) AS h3,
                 width_bucket(bench_seed.u(md5('t1:' || %(org)s || g), 0), %(type_cum)s::float8[]) AS ti,
                 width_bucket(bench_seed.u(md5('t1:' || %(org)s || g), 1), %(link_cum)s::float8[]) AS link
          FROM generate_series(1, %(n)s) g OFFSET 0) x
  ) y
) z
LEFT JOIN bench_seed.opp o ON z.link = 1 AND o.no = z.opp_no
LEFT JOIN contacts.contacts c ON z.link = 2 AND c.id = z.contact_pick
"""

OPPORTUNITY_SUMMARIES = """
INSERT INTO contacts.opportunity_summaries (id, org_id, account_id, contact_id, stage_id, probability, total,
                                            version, deleted)
SELECT id, org_id, account_id, contact_id, stage_id, probability, total, version, deleted_at IS NOT NULL
FROM opportunities.opportunities
"""

# Columns of contacts.task_summaries (added by another change) matched by name to an expression over a task.
TASK_SUMMARY_SOURCES = {
    "id": "t.id", "task_id": "t.id", "org_id": "t.org_id", "contact_id": "t.contact_id", "account_id": "t.account_id",
    "opportunity_id": "t.opportunity_id", "type": "t.type", "status": "t.status", "assignee_id": "t.assignee_id",
    "due_at": "t.due_at", "version": "t.version", "deleted": "false", "created_at": "t.created_at",
    "updated_at": "t.updated_at",
}


def params(*, org, admin_id, rep_ids, users, stages, size, contacts, accounts, anchor):
    """Every parameter of the statements above. ``stages``: ``[(probability, id)]`` of organization A."""
    by_probability = dict(stages)
    probabilities = sorted(STAGE_SHARES)
    return {
        "org": org, "admin": admin_id, "reps": rep_ids, "users": users,
        "stages": [by_probability[p] for p in probabilities], "probs": probabilities,
        "stage_cum": cumulative(STAGE_SHARES[p] for p in probabilities),
        "line_cum": cumulative(LINE_COUNT_SHARES), "link_cum": cumulative(LINK_SHARES),
        "types": list(TYPE_SHARES), "type_cum": cumulative(TYPE_SHARES.values()),
        "type_titles": [TASK_TITLES[t] for t in TYPE_SHARES],
        "titles": OPPORTUNITY_TITLES, "groups": PRODUCT_GROUPS, "products": PRODUCTS,
        "contacts": contacts, "accounts": accounts, "opportunities": size["opportunities"],
        "anchor": anchor.isoformat(), "anchor_ts": f"{anchor.isoformat()} 00:00+00",
    }


def seeded_tables(conn):
    """``[(schema, table)]`` loaded by this seed: the opportunities tables and the contacts summaries."""
    tables = [("opportunities", t) for t in OPPORTUNITY_TABLES] + [("contacts", "opportunity_summaries")]
    if task_summary_columns(conn):
        tables.append(("contacts", "task_summaries"))
    return tables


def task_summary_columns(conn):
    """``[(name, not_null_without_default)]`` of contacts.task_summaries, or [] when the table does not exist."""
    return conn.execute("""SELECT column_name, is_nullable = 'NO' AND column_default IS NULL
                           FROM information_schema.columns
                           WHERE table_schema = 'contacts' AND table_name = 'task_summaries'
                           ORDER BY ordinal_position""").fetchall()


def truncate(conn, tables):
    """A reused database may hold a previous seed: start from empty tables (the stages stay)."""
    conn.execute("TRUNCATE " + ", ".join(f"{s}.{t}" for s, t in tables))


def drop_secondary_indexes(conn, tables):
    """Drop the non-constraint indexes of ``tables``; returns their definitions (``pg_get_indexdef``)."""
    rows = conn.execute("""
        SELECT n.nspname, i.relname, pg_get_indexdef(i.oid), t.relname
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE (n.nspname || '.' || t.relname) = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        ORDER BY n.nspname, t.relname, i.relname""", ([f"{s}.{t}" for s, t in tables],)).fetchall()
    for schema, name, _, _ in rows:
        conn.execute(f'DROP INDEX {schema}."{name}"')
    return [{"name": f"{schema}.{name}", "definition": definition, "table": table}
            for schema, name, definition, table in rows]


def rebuild_indexes(conn, timer, definitions):
    for index in definitions:
        timer.step(f"index {index['name']}", conn.execute, index["definition"])


def seed_task_summaries(conn):
    """Fill contacts.task_summaries from the tasks when its columns can all be matched; else say why not."""
    columns = task_summary_columns(conn)
    if not columns:
        return {"skipped": "contacts.task_summaries does not exist"}
    unknown = [name for name, required in columns if required and name not in TASK_SUMMARY_SOURCES]
    if unknown:
        return {"skipped": f"required columns without a known source: {unknown}"}
    names = [name for name, _ in columns if name in TASK_SUMMARY_SOURCES]
    cursor = conn.execute(f"INSERT INTO contacts.task_summaries ({', '.join(names)}) "
                          f"SELECT {', '.join(TASK_SUMMARY_SOURCES[n] for n in names)} FROM opportunities.tasks t")
    return {"rows": cursor.rowcount, "columns": names}


def seed(conn, timer, p, *, tasks):
    """Steps 1-4 of the module docstring (indexes already dropped)."""
    cursor = timer.step("read model of contacts (account_refs, contact_refs)", contacts_seed.execute_script, conn,
                        READ_MODEL, p)
    refs = cursor.rowcount
    timer.step(f"{p['opportunities']:,} opportunity draws (staging)", contacts_seed.execute_script, conn,
               OPPORTUNITY_DRAWS, {**p, "n": p["opportunities"]})
    timer.step("1-5 product lines per opportunity (staging)", contacts_seed.execute_script, conn, LINE_DRAWS, p)
    timer.step("opportunities + product lines", contacts_seed.execute_script, conn, OPPORTUNITIES, p)
    timer.step(f"{tasks:,} tasks", contacts_seed.execute_script, conn, TASKS, {**p, "n": tasks})
    timer.step("contacts.opportunity_summaries", conn.execute, OPPORTUNITY_SUMMARIES)
    task_summaries = timer.step("contacts.task_summaries", seed_task_summaries, conn)
    return {"contact_refs_inserted": refs, "task_summaries": task_summaries}


def check_integrity(conn):
    """Links the loading session did not check, and O-5 totals; every figure should be 0."""
    row = conn.execute("""
        SELECT (SELECT count(*) FROM opportunities.opportunity_lines l
                WHERE NOT EXISTS (SELECT 1 FROM opportunities.opportunities o WHERE o.id = l.opportunity_id)),
               (SELECT count(*) FROM opportunities.opportunities o
                WHERE NOT EXISTS (SELECT 1 FROM opportunities.account_refs a WHERE a.id = o.account_id)),
               (SELECT count(*) FROM opportunities.opportunities o
                WHERE o.contact_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM opportunities.contact_refs c WHERE c.id = o.contact_id AND c.account_id = o.account_id)),
               (SELECT count(*) FROM opportunities.opportunities o
                WHERE NOT EXISTS (SELECT 1 FROM opportunities.stages s WHERE s.id = o.stage_id AND s.org_id = o.org_id)),
               (SELECT count(*) FROM opportunities.opportunities o
                WHERE o.total <> (SELECT coalesce(sum(l.total), 0) FROM opportunities.opportunity_lines l
                                  WHERE l.opportunity_id = o.id)),
               (SELECT count(*) FROM opportunities.tasks t
                WHERE (t.contact_id IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM opportunities.contact_refs c WHERE c.id = t.contact_id
                           AND c.account_id IS NOT DISTINCT FROM t.account_id))
                   OR (t.account_id IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM opportunities.account_refs a WHERE a.id = t.account_id))
                   OR (t.opportunity_id IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM opportunities.opportunities o WHERE o.id = t.opportunity_id)))""").fetchone()
    keys = ("lines_without_opportunity", "opportunities_without_account_ref", "contact_not_of_the_account",
            "unknown_stage", "total_not_sum_of_lines", "tasks_with_a_broken_link")
    return dict(zip(keys, row, strict=True))


def verify_lines(conn, *, sample=1000):
    """Recompute the total of ``sample`` lines with the service's own ``lines.line_total`` (O-5)."""
    rows = conn.execute("""SELECT id, quantity, unit_price, shipping, discount, total
                           FROM opportunities.opportunity_lines TABLESAMPLE BERNOULLI (5) REPEATABLE (7)
                           LIMIT %s""", (sample,)).fetchall()
    mismatches = []
    for line_id, quantity, unit_price, shipping, discount, total in rows:
        expected = line_rules.line_total({"quantity": Decimal(quantity), "unit_price": Decimal(unit_price),
                                          "shipping": Decimal(shipping), "discount": Decimal(discount)})
        if expected != total:
            mismatches.append({"line": line_id, "stored": str(total), "lines_py": str(expected)})
    return {"lines_checked": len(rows), "mismatches": len(mismatches), "examples": mismatches[:10]}


def vacuum(conn, tables):
    for schema, table in tables:
        conn.execute(f"VACUUM ANALYZE {schema}.{table}")


def shape(conn, org_id, year):
    """What the data set looks like, for reading the latencies."""
    def q(sql, *args):
        return conn.execute(sql, args).fetchall()

    stages = q("""SELECT s.probability, count(o.id), coalesce(sum(o.total), 0)::text FROM opportunities.stages s
                  LEFT JOIN opportunities.opportunities o ON o.stage_id = s.id
                  WHERE s.org_id = %s GROUP BY s.probability ORDER BY s.probability""", org_id)
    per_user = q("""SELECT min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n), count(*)
                    FROM (SELECT assignee_id, count(*) n FROM opportunities.tasks WHERE org_id = %s
                          GROUP BY assignee_id) x""", org_id)[0]
    statuses = q("SELECT status, count(*) FROM opportunities.tasks WHERE org_id = %s GROUP BY 1 ORDER BY 1", org_id)
    types = q("SELECT type, count(*) FROM opportunities.tasks WHERE org_id = %s GROUP BY 1 ORDER BY 1", org_id)
    links = q("""SELECT count(*) FILTER (WHERE opportunity_id IS NOT NULL), count(*) FILTER (WHERE contact_id IS NOT NULL),
                        count(*) FILTER (WHERE account_id IS NOT NULL),
                        count(*) FILTER (WHERE contact_id IS NULL AND account_id IS NULL AND opportunity_id IS NULL),
                        count(*) FILTER (WHERE extract(year FROM created_at AT TIME ZONE 'America/Toronto') = %s)
                 FROM opportunities.tasks WHERE org_id = %s""", year, org_id)[0]
    opp = q("""SELECT count(*), count(*) FILTER (WHERE contact_id IS NOT NULL), count(*) FILTER (WHERE source <> 'crm'),
                      count(*) FILTER (WHERE close_date IS NULL), min(close_date)::text, max(close_date)::text,
                      count(DISTINCT account_id), count(DISTINCT rep1_id),
                      (SELECT count(*) FROM opportunities.opportunity_lines),
                      (SELECT count(*) FROM contacts.opportunity_summaries)
               FROM opportunities.opportunities WHERE org_id = %s""", org_id)[0]
    sizes = q("""SELECT n.nspname || '.' || c.relname, pg_size_pretty(pg_total_relation_size(c.oid))
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND ((n.nspname = 'opportunities' AND c.relname = ANY(%s))
                                            OR (n.nspname = 'contacts' AND c.relname LIKE '%%_summaries'))
                 ORDER BY pg_total_relation_size(c.oid) DESC""", list(OPPORTUNITY_TABLES))
    return {
        "opportunities": opp[0], "opportunities_naming_a_contact": opp[1], "read_only_from_accounting": opp[2],
        "without_close_date": opp[3], "close_dates": [opp[4], opp[5]], "accounts_with_opportunities": opp[6],
        "distinct_rep1": opp[7], "lines": opp[8], "opportunity_summaries": opp[9],
        "by_stage": [{"probability": p, "count": n, "total": t} for p, n, t in stages],
        "tasks_per_assignee": {"min": per_user[0], "median": per_user[1], "max": per_user[2], "assignees": per_user[3]},
        "tasks_by_status": dict(statuses), "tasks_by_type": dict(types),
        "task_links": {"with_opportunity": links[0], "with_contact": links[1], "with_account": links[2],
                       "unlinked": links[3]},
        f"tasks_created_in_{year}": links[4],
        "table_sizes": dict(sizes),
    }


def seed_all(database_url_psycopg, *, org, admin_id, rep_ids, users, stages, size, contacts, accounts, anchor):
    """Everything above in one loading session; returns the timed steps, integrity checks and the data shape."""
    import psycopg

    timer = contacts_seed.Timer()
    p = params(org=org, admin_id=admin_id, rep_ids=rep_ids, users=users, stages=stages, size=size,
               contacts=contacts, accounts=accounts, anchor=anchor)
    with psycopg.connect(database_url_psycopg, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        for statement in contacts_seed.FUNCTIONS.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("DROP TABLE IF EXISTS bench_seed.opp, bench_seed.opp_lines")
        tables = seeded_tables(conn)
        timer.step("truncate the tables of a previous seed", truncate, conn, tables)
        definitions = timer.step("drop the secondary indexes of the migrations", drop_secondary_indexes, conn, tables)
        loaded = seed(conn, timer, p, tasks=size["tasks"])
        rebuild_indexes(conn, timer, definitions)
        integrity = timer.step("integrity check (links and O-5 totals)", check_integrity, conn)
        timer.step("VACUUM ANALYZE", vacuum, conn, tables)
        conn.execute("DROP TABLE bench_seed.opp, bench_seed.opp_lines")
        verification = verify_lines(conn)
        data = shape(conn, org, anchor.year)
    steps = timer.steps
    indexes = sum(s["seconds"] for s in steps if s["step"].startswith("index "))
    return {"steps": steps, "indexes_s": round(indexes, 1), "total_s": round(sum(s["seconds"] for s in steps), 1),
            "anchor": anchor.isoformat(), "integrity": integrity, "lines_check": verification, "shape": data,
            "indexes": [i["name"] for i in definitions], **loaded,
            "shares": {"stage": STAGE_SHARES, "lines": LINE_COUNT_SHARES, "task_type": TYPE_SHARES,
                       "task_link (opportunity, contact, account, none)": LINK_SHARES}}
