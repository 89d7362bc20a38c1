"""Server-side seed of the contacts schema (``INSERT … SELECT`` over ``generate_series``).

Draws are deterministic: uniform numbers are sliced out of ``md5(salt || n)``, so a row's values depend on
its number only (reruns give the same data set, and a contact's id can be recomputed in Python).
The normalised columns are assembled in SQL from pool words that were folded in Python by the service's own
``norms.fold``; ``verify`` recomputes them with ``norms.contact_norms`` / ``account_norms`` on a sample.

Bulk-load practice: the secondary indexes the migrations created are dropped before the load and rebuilt
after it from their own ``pg_get_indexdef`` (so the schema ends identical), and foreign-key triggers are off
for the loading session (``session_replication_role = replica``); ``check_integrity`` verifies the keys.
"""
import hashlib
import time
import uuid

import pools

from carnet_contacts import norms

TABLES = ("contacts", "accounts", "list_members", "account_members")

FUNCTIONS = """
CREATE SCHEMA IF NOT EXISTS bench_seed;
CREATE OR REPLACE FUNCTION bench_seed.u(h text, k int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ('x' || substr(h, 8 * k + 1, 8))::bit(32)::bigint / 4294967296.0 $$;
CREATE OR REPLACE FUNCTION bench_seed.pick(n int, u float8, skew float8) RETURNS int LANGUAGE sql IMMUTABLE
PARALLEL SAFE AS $$ SELECT 1 + least(n - 1, floor(n * power(u, skew))::int) $$;
"""

ACCOUNTS = """
CREATE UNLOGGED TABLE bench_seed.acct_{tag} AS
SELECT g AS no, md5('a:' || %(org)s || ':' || g)::uuid::text AS id,
       replace(co_raw[ci], '{{}}', ln_raw[li]) AS name, replace(co_fold[ci], '{{}}', ln_fold[li]) AS name_fold,
       'info@' || ln_slug[li] || g || '.ca' AS email,
       ci_raw[cy] AS city, ci_fold[cy] AS city_norm, ci_prov[cy] AS province,
       ci_post[cy] || ' ' || (g %% 9 + 1) || chr(65 + g %% 26) || (g %% 7 + 2) AS postal_code,
       (10 + g %% 8990) || ' ' || st_raw[sn] AS street, (10 + g %% 8990) || ' ' || st_fold[sn] AS street_norm,
       '(' || ci_area[cy] || ') ' || (200 + g %% 800) || '-' || lpad((g::bigint * 7919 %% 10000)::text, 4, '0') AS phone,
       ci_area[cy] || (200 + g %% 800) || lpad((g::bigint * 7919 %% 10000)::text, 4, '0') AS phone_digits
FROM (SELECT g, md5('ah:' || %(org)s || ':' || g) AS h FROM generate_series(1, %(n)s) g OFFSET 0) s,
     LATERAL (SELECT bench_seed.pick(cardinality(%(co_raw)s::text[]), bench_seed.u(h, 0), 1.3) AS ci,
                     bench_seed.pick(cardinality(%(ln_raw)s::text[]), bench_seed.u(h, 1), 1.4) AS li,
                     bench_seed.pick(cardinality(%(ci_raw)s::text[]), bench_seed.u(h, 2), 2.0) AS cy,
                     bench_seed.pick(cardinality(%(st_raw)s::text[]), bench_seed.u(h, 3), 1.0) AS sn) d,
     LATERAL (SELECT %(co_raw)s::text[] co_raw, %(co_fold)s::text[] co_fold, %(ln_raw)s::text[] ln_raw,
                     %(ln_fold)s::text[] ln_fold, %(ln_slug)s::text[] ln_slug, %(ci_raw)s::text[] ci_raw,
                     %(ci_fold)s::text[] ci_fold, %(ci_prov)s::text[] ci_prov, %(ci_post)s::text[] ci_post,
                     %(ci_area)s::text[] ci_area, %(st_raw)s::text[] st_raw, %(st_fold)s::text[] st_fold) p;
CREATE UNIQUE INDEX ON bench_seed.acct_{tag} (no);
INSERT INTO contacts.accounts (id, org_id, name, email, phone, street, city, province, postal_code, country,
                               rep1_id, status, custom, search_norm, phone_digits, city_norm, street_norm,
                               version, created_by)
SELECT id, %(org)s, name, email, phone, street, city, province, postal_code, 'Canada',
       (%(reps)s::text[])[1 + no %% cardinality(%(reps)s::text[])], 'active', '{{}}'::jsonb,
       name_fold || ' ' || email, phone_digits, city_norm, street_norm, 1, %(admin)s
FROM bench_seed.acct_{tag};
INSERT INTO contacts.account_members (list_id, account_id)
SELECT (%(lists)s::text[])[bench_seed.pick(cardinality(%(lists)s::text[]), bench_seed.u(md5('am' || id), 0), 2.0)], id
FROM bench_seed.acct_{tag};
"""

CONTACTS = """
INSERT INTO contacts.contacts (id, org_id, account_id, first_name, last_name, title, email, language, phone,
    mobile, street, city, province, postal_code, country, rep1_id, rep2_id, subscribed, is_primary, status,
    custom, search_norm, title_norm, email_norm, phone_digits, eff_city_norm, eff_street_norm, version,
    created_by, created_at, updated_at)
SELECT x.id, %(org)s, a.id, x.first_name, x.last_name, x.title, x.email, x.language, x.phone, x.mobile,
       x.street, x.city, x.province, x.postal_code, 'Canada', x.rep1, x.rep2, x.subscribed, false, 'active',
       x.custom,
       concat_ws(' ', nullif(x.first_fold, ''), nullif(x.last_fold, ''), x.email, a.name_fold),
       coalesce(x.title_fold, ''), coalesce(x.email, ''), concat_ws(' ', x.phone_d, x.mobile_d),
       CASE WHEN a.id IS NULL THEN x.city_fold ELSE a.city_norm END,
       CASE WHEN a.id IS NULL THEN x.street_fold ELSE a.street_norm END,
       1, %(admin)s, x.created, x.created
FROM (
  SELECT md5('c:' || %(org)s || ':' || g)::uuid::text AS id,
         fn_raw[fi] AS first_name, fn_fold[fi] AS first_fold, ln_raw[li] AS last_name, ln_fold[li] AS last_fold,
         CASE WHEN bench_seed.u(h4, 0) < 0.93 THEN ti_raw[ti] END AS title,
         CASE WHEN bench_seed.u(h4, 0) < 0.93 THEN ti_fold[ti] END AS title_fold,
         CASE WHEN bench_seed.u(h1, 3) < 0.95 THEN fn_slug[fi] || '.' || ln_slug[li] || (g %% 97) || '@'
              || em[bench_seed.pick(cardinality(em), bench_seed.u(h4, 1), 2.5)] END AS email,
         CASE WHEN bench_seed.u(h4, 2) < 0.7 THEN 'fr' ELSE 'en' END AS language,
         replace(replace(replace(replace(ph[1 + floor(bench_seed.u(h2, 0) * 10)::int], '{{a}}', ci_area[cy]),
             '{{e}}', (200 + ex)::text), '{{l}}', lpad(line::text, 4, '0')), '{{x}}', ext::text) AS phone,
         ci_area[cy] || (200 + ex) || lpad(line::text, 4, '0') AS phone_d,
         CASE WHEN bench_seed.u(h4, 3) < 0.3 THEN '(438) ' || (200 + ex2) || '-' || lpad(line2::text, 4, '0') END
             AS mobile,
         CASE WHEN bench_seed.u(h4, 3) < 0.3 THEN '438' || (200 + ex2) || lpad(line2::text, 4, '0') END AS mobile_d,
         (10 + g %% 8990) || ' ' || st_raw[sn] AS street, (10 + g %% 8990) || ' ' || st_fold[sn] AS street_fold,
         ci_raw[cy] AS city, ci_fold[cy] AS city_fold, ci_prov[cy] AS province,
         ci_post[cy] || ' ' || (g %% 9 + 1) || chr(65 + g %% 26) || (g %% 7 + 2) AS postal_code,
         CASE WHEN bench_seed.u(h2, 3) < 0.9
              THEN bench_seed.pick(%(accounts)s, bench_seed.u(h3, 0), 1.3) END AS acct_no,
         rp[1 + floor(bench_seed.u(h3, 1) * cardinality(rp))::int] AS rep1,
         CASE WHEN bench_seed.u(h3, 2) < 0.2 THEN rp[1 + floor(bench_seed.u(h3, 2) * 5 * cardinality(rp))::int]
              END AS rep2,
         bench_seed.u(h1, 2) > 0.1 AS subscribed,
         jsonb_strip_nulls(jsonb_build_object(
             'secteur', CASE WHEN bench_seed.u(h3, 3) < 0.8 THEN
                 sc[1 + floor(bench_seed.u(h3, 3) * 1.25 * cardinality(sc))::int] END,
             'score', 1 + g::bigint * 7919 %% 1000,
             'rappel', CASE WHEN g %% 3 = 0 THEN to_char(date '2026-01-01' + (g %% 730), 'YYYY-MM-DD') END))
             AS custom,
         timestamptz '2024-01-01 00:00+00' + make_interval(secs => g %% 63000000) AS created
  FROM (SELECT g, md5('c1:' || %(org)s || g) h1, md5('c2:' || %(org)s || g) h2, md5('c3:' || %(org)s || g) h3,
               md5('c4:' || %(org)s || g) h4
        FROM generate_series(1, %(n)s) g OFFSET 0) s,
       LATERAL (SELECT %(fn_raw)s::text[] fn_raw, %(fn_fold)s::text[] fn_fold, %(fn_slug)s::text[] fn_slug,
                       %(ln_raw)s::text[] ln_raw, %(ln_fold)s::text[] ln_fold, %(ln_slug)s::text[] ln_slug,
                       %(ti_raw)s::text[] ti_raw, %(ti_fold)s::text[] ti_fold, %(em)s::text[] em,
                       %(ph)s::text[] ph, %(ci_raw)s::text[] ci_raw, %(ci_fold)s::text[] ci_fold,
                       %(ci_prov)s::text[] ci_prov, %(ci_post)s::text[] ci_post, %(ci_area)s::text[] ci_area,
                       %(st_raw)s::text[] st_raw, %(st_fold)s::text[] st_fold, %(reps)s::text[] rp,
                       %(sectors)s::text[] sc) p,
       LATERAL (SELECT bench_seed.pick(cardinality(fn_raw), bench_seed.u(h1, 0), 1.4) AS fi,
                       bench_seed.pick(cardinality(ln_raw), bench_seed.u(h1, 1), 1.4) AS li,
                       bench_seed.pick(cardinality(ti_raw), bench_seed.u(h1, 2), 1.3) AS ti,
                       bench_seed.pick(cardinality(ci_raw), bench_seed.u(h2, 2), 2.0) AS cy,
                       bench_seed.pick(cardinality(st_raw), bench_seed.u(h2, 1), 1.0) AS sn,
                       floor(bench_seed.u(h2, 1) * 800)::int AS ex,
                       floor(bench_seed.u(h2, 1) * 8000000)::int %% 10000 AS line,
                       floor(bench_seed.u(h4, 3) * 2666)::int %% 800 AS ex2,
                       floor(bench_seed.u(h4, 1) * 7777777)::int %% 10000 AS line2,
                       1 + floor(bench_seed.u(h2, 0) * 9990)::int %% 999 AS ext) d
) x
LEFT JOIN bench_seed.acct_{tag} a ON a.no = x.acct_no;
"""

MEMBERS = """
INSERT INTO contacts.list_members (list_id, contact_id)
SELECT DISTINCT (%(lists)s::text[])[bench_seed.pick(cardinality(%(lists)s::text[]), bench_seed.u(h, j), 2.0)],
       md5('c:' || %(org)s || ':' || g)::uuid::text
FROM (SELECT g, md5('m:' || %(org)s || g) h FROM generate_series(1, %(n)s) g OFFSET 0) s,
     LATERAL generate_series(0, CASE WHEN bench_seed.u(h, 3) < 0.5 THEN 0
                                     WHEN bench_seed.u(h, 3) < 0.85 THEN 1 ELSE 2 END) j;
"""


def contact_id(org_id, n):
    """The id the seed gave contact number ``n`` of ``org_id``."""
    return str(uuid.UUID(hashlib.md5(f"c:{org_id}:{n}".encode()).hexdigest()))


def pool_params():
    fold = norms.fold
    return {
        "fn_raw": pools.FIRST_NAMES, "fn_fold": [fold(v) for v in pools.FIRST_NAMES],
        "fn_slug": [pools.slug(v) for v in pools.FIRST_NAMES],
        "ln_raw": pools.LAST_NAMES, "ln_fold": [fold(v) for v in pools.LAST_NAMES],
        "ln_slug": [pools.slug(v) for v in pools.LAST_NAMES],
        "ti_raw": pools.TITLES, "ti_fold": [fold(v) for v in pools.TITLES],
        "em": pools.EMAIL_DOMAINS, "ph": pools.PHONE_LAYOUTS,
        "ci_raw": [c[0] for c in pools.CITIES], "ci_fold": [fold(c[0]) for c in pools.CITIES],
        "ci_prov": [c[1] for c in pools.CITIES], "ci_post": [c[2] for c in pools.CITIES],
        "ci_area": [c[3] for c in pools.CITIES],
        "st_raw": pools.STREETS, "st_fold": [fold(v) for v in pools.STREETS],
        "co_raw": pools.COMPANIES, "co_fold": [fold(v) for v in pools.COMPANIES],
        "sectors": pools.SECTORS,
    }


class Timer:
    def __init__(self):
        self.steps = []

    def step(self, label, fn, *args, **kwargs):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        seconds = round(time.perf_counter() - t0, 2)
        self.steps.append({"step": label, "seconds": seconds})
        print(f"  seed: {label}: {seconds} s", flush=True)
        return result


def drop_secondary_indexes(conn):
    """Drop the non-constraint indexes of the bulk-loaded tables; returns their definitions."""
    rows = conn.execute("""
        SELECT i.relname, pg_get_indexdef(i.oid), t.relname
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'contacts' AND t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        ORDER BY t.relname, i.relname""", (list(TABLES),)).fetchall()
    for name, _, _ in rows:
        conn.execute(f"DROP INDEX contacts.{name}")
    return [{"name": name, "definition": definition, "table": table} for name, definition, table in rows]


def execute_script(conn, script, params):
    """Statements one by one (a parameterised execute takes one statement); the last cursor."""
    cursor = None
    for statement in script.split(";\n"):
        if statement.strip():
            cursor = conn.execute(statement, params)
    return cursor


def seed_org(conn, timer, *, tag, org_id, admin_id, rep_ids, list_ids, contacts, accounts):
    params = {**pool_params(), "org": org_id, "admin": admin_id, "reps": rep_ids, "lists": list_ids,
              "accounts": accounts}
    timer.step(f"org {tag}: {accounts:,} accounts (+ account memberships)",
               execute_script, conn, ACCOUNTS.format(tag=tag), {**params, "n": accounts})
    timer.step(f"org {tag}: {contacts:,} contacts incl. the 6 normalised columns",
               execute_script, conn, CONTACTS.format(tag=tag), {**params, "n": contacts})
    cursor = timer.step(f"org {tag}: list memberships (1-3 lists per contact, skewed)",
                        execute_script, conn, MEMBERS, {**params, "n": contacts})
    return cursor.rowcount


def rebuild_indexes(conn, timer, definitions):
    for index in definitions:
        timer.step(f"index {index['name']}", conn.execute, index["definition"])


def check_integrity(conn):
    """The foreign keys the loading session did not check."""
    return conn.execute("""
        SELECT (SELECT count(*) FROM contacts.list_members m
                WHERE NOT EXISTS (SELECT 1 FROM contacts.contacts c WHERE c.id = m.contact_id)),
               (SELECT count(*) FROM contacts.contacts c
                WHERE c.account_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM contacts.accounts a WHERE a.id = c.account_id)),
               (SELECT count(*) FROM contacts.contacts c
                WHERE NOT EXISTS (SELECT 1 FROM contacts.list_members m WHERE m.contact_id = c.id))""").fetchone()


NORM_KEYS = ("search_norm", "title_norm", "email_norm", "phone_digits", "eff_city_norm", "eff_street_norm")
ACCOUNT_NORM_KEYS = ("search_norm", "phone_digits", "city_norm", "street_norm")


def verify(conn, *, sample=1000):
    """Recompute the stored norms of ``sample`` random contacts (and 200 accounts) with norms.py."""
    from psycopg.rows import dict_row
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM contacts.contacts TABLESAMPLE BERNOULLI (1) REPEATABLE (7) LIMIT %s",
                    (sample,))
        rows = cur.fetchall()
        account_ids = list({r["account_id"] for r in rows if r["account_id"]})
        cur.execute("SELECT * FROM contacts.accounts WHERE id = ANY(%s)", (account_ids,))
        account_rows = {r["id"]: r for r in cur.fetchall()}
    mismatches = []
    for row in rows:
        expected = norms.contact_norms(row, account_rows.get(row["account_id"]))
        for key in NORM_KEYS:
            if row[key] != expected[key]:
                mismatches.append({"contact": row["id"], "column": key, "stored": row[key],
                                   "norms_py": expected[key]})
    accounts_checked = 0
    for account in list(account_rows.values())[:200]:
        accounts_checked += 1
        expected = norms.account_norms(account)
        for key in ACCOUNT_NORM_KEYS:
            if account[key] != expected[key]:
                mismatches.append({"account": account["id"], "column": key, "stored": account[key],
                                   "norms_py": expected[key]})
    return {"contacts_checked": len(rows), "accounts_checked": accounts_checked, "mismatches": len(mismatches),
            "examples": mismatches[:10]}
