#!/usr/bin/env python3
"""Checks the SQL that `xsell sql` prints on real engines against what `xsell compute` prints.

For every data file and every scenario (a set of --by/--period/--from/--to/--level options), it
runs `xsell compute` once (the expected rows) and, for each engine, renders the statement with
`xsell sql --dialect ENGINE`, runs it on a table `orders` loaded from the same file and compares
the rows: the same (metric, group, period) keys on both sides, numerator and denominator exactly
equal as decimals, value within 1e-12 relative (or both n/a), by_label equal to compute's `by`.
On PostgreSQL it also runs `xsell compute --engine postgres` and compares its CSV with the file
run's, byte for byte (on the small files).

It then checks `xsell sql pairs` and `xsell sql cohort` the same way against `xsell pairs` and
`xsell cohort --format csv` (ROWS_SCENARIOS): the same rows in the same order, texts and counts
equal, every measure the same double (xsell prints each in full) or both NULL/empty, money equal
as decimals.

An exit code 2 from `xsell sql` means "this combination is not rendered (yet)": it is printed as a
SKIP line and counted, never a failure. Exits 1 on any mismatch, SQL error or xsell failure.
The closing line counts the (file, scenario) pairs checked, the (scenario, dialect, metric)
renders skipped, and the mismatches: statements whose rows differ or fail, and xsell failures.

Usage (.ci/sql/run sets this up; --pg-port is left out to check DuckDB alone):
  check.py --xsell target/release/xsell --file fixture=fixtures/orders.csv [--file NAME=PATH ...]
           [--pg-port PORT [--pg-host 127.0.0.1] [--pg-user postgres]] [--only TEXT] [--timeout S]
"""

import argparse
import csv
import difflib
import shlex
import subprocess
import sys
import threading
import time
from decimal import Decimal, InvalidOperation

# The KPIs, in two statements per scenario: those of the order lines, and those of campaigns
# (which need the campaigns table, and refuse --period and most --by: a SKIP then).
ORDER_METRICS = ["cross-sell", "loyalty-cross-sell", "aov", "clv", "retention", "repeat-rate"]
CAMPAIGN_METRICS = ["campaign-cross-sell", "ctr", "conversion", "roi", "cac"]
GROUPS = [ORDER_METRICS, CAMPAIGN_METRICS]
SQL_COLUMNS = ["metric", "group_label", "period", "value", "numerator", "denominator", "by_label"]
REL_TOLERANCE = 1e-12
# At most this many differences are printed per (file, scenario, engine); the rest are counted.
MAX_SHOWN = 15

# The table contract: typed columns, empty CSV cells as NULL, every line loaded (duplicates too).
ORDER_COLUMNS = [
    ("order_id", "VARCHAR", "TEXT"),
    ("customer_id", "VARCHAR", "TEXT"),
    ("order_date", "DATE", "DATE"),
    ("product_id", "VARCHAR", "TEXT"),
    ("category", "VARCHAR", "TEXT"),
    ("quantity", "INTEGER", "INTEGER"),
    ("amount", "DECIMAL(18,2)", "NUMERIC(18,2)"),
    ("channel", "VARCHAR", "TEXT"),
    ("campaign_id", "VARCHAR", "TEXT"),
    ("segment", "VARCHAR", "TEXT"),
    ("loyalty", "BOOLEAN", "BOOLEAN"),
]


CAMPAIGN_COLUMNS = [
    ("campaign_id", "VARCHAR", "TEXT", "STRING"),
    ("campaign_type", "VARCHAR", "TEXT", "STRING"),
    ("channel", "VARCHAR", "TEXT", "STRING"),
    ("start_date", "DATE", "DATE", "DATE"),
    ("end_date", "DATE", "DATE", "DATE"),
    ("cost", "DECIMAL(18,2)", "NUMERIC(18,2)", "DECIMAL(18,2)"),
    ("impressions", "BIGINT", "BIGINT", "BIGINT"),
    ("clicks", "BIGINT", "BIGINT", "BIGINT"),
    ("targeted", "BIGINT", "BIGINT", "BIGINT"),
    ("conversions", "BIGINT", "BIGINT", "BIGINT"),
]
CUSTOMER_COLUMNS = [
    ("customer_id", "VARCHAR", "TEXT", "STRING"),
    ("segment", "VARCHAR", "TEXT", "STRING"),
    ("loyalty", "BOOLEAN", "BOOLEAN", "BOOLEAN"),
]
# Spark's names for the orders columns' types (index 2 of each type list).
SPARK_TYPES = {"VARCHAR": "STRING", "INTEGER": "INT"}


def create_table(engine_index, table="orders"):
    columns = {"orders": ORDER_COLUMNS, "campaigns": CAMPAIGN_COLUMNS,
               "customers": CUSTOMER_COLUMNS}[table]
    cols = ", ".join(f"{name} {types[engine_index]}" for name, *types in columns)
    return f"CREATE TABLE {table} ({cols})"


# `--map` and `--campaigns-map`: views of the tables whose columns have other names, one with a
# space and one in capitals (quoted as written), read back under their canonical names.
MAPPED = ["--orders-table", "orders_mapped", "--map", "order_id=Order ID",
          "--map", "customer_id=cust", "--map", "product_id=SKU", "--map", "amount=net_total"]
MAPPED_CAMPAIGNS = ["--campaigns-table", "campaigns_mapped", "--campaigns-map", "cost=spend",
                    "--campaigns-map", "campaign_type=Kind"]


CLV_FORMULA = ["--clv-model", "formula", "--margin", "0.3", "--lifespan", "2.5"]


# A customers table for the edge file, whose segments and flags win over the lines' (`xsell
# compute --customers FILE`): a segment and a flag (C1), a segment alone (C2, none on its
# lines), both (C3), an empty row (C5) and a customer without lines (C9). Scenarios with
# WITH_CUSTOMERS run on the files that have one.
CUSTOMERS = {".ci/sql/edge-orders.csv": ".ci/sql/edge-customers.csv"}
WITH_CUSTOMERS = ["--customers-table", "customers"]


def mapped_views(quote, campaigns):
    """The statements that make the views MAPPED reads, quoting names with `quote`."""
    q = lambda name: f"{quote}{name}{quote}"
    renamed = {"order_id": q("Order ID"), "customer_id": "cust", "product_id": q("SKU"),
               "amount": "net_total"}
    cols = ", ".join(f"{n} AS {renamed[n]}" if n in renamed else n for n, *_ in ORDER_COLUMNS)
    # Each view also has a column under the canonical name of a mapped one, holding something
    # else (a gross amount, a budget): the statement must read the mapped column, and not
    # find the name ambiguous.
    out = [f"CREATE VIEW orders_mapped AS SELECT {cols}, 0 AS amount FROM orders"]
    if campaigns:
        renamed = {"cost": "spend", "campaign_type": q("Kind")}
        cols = ", ".join(f"{n} AS {renamed[n]}" if n in renamed else n
                         for n, *_ in CAMPAIGN_COLUMNS)
        out.append(f"CREATE VIEW campaigns_mapped AS SELECT {cols}, 0 AS cost FROM campaigns")
    return out


def unmapped(args, path):
    """A scenario's options for `xsell compute` on the file: without MAPPED's, and with the
    customers file for the customers table."""
    out = [a for a in args
           if a not in MAPPED and a not in MAPPED_CAMPAIGNS and a not in WITH_CUSTOMERS]
    if "--customers-table" in args:
        out += ["--customers", CUSTOMERS[path]]
    return out


def scenarios():
    """(name, options) pairs: every --by with every --period, then a window and --level cases."""
    window = ["--from", "2024-03-01", "--to", "2024-09-30"]  # inside the data's 2024-2025 span
    out = []
    for by in [None, "channel", "campaign", "segment", "loyalty", "category"]:
        for period in [None, "month", "week", "quarter"]:
            args = (["--by", by] if by else []) + (["--period", period] if period else [])
            out.append(args)
    out += [
        ["--period", "year"],
        window,
        window + ["--by", "channel", "--period", "week"],
        ["--level", "category"],
        ["--level", "category", "--by", "campaign", "--period", "month"],
        ["--by", "column:segment", "--period", "month"],  # a dimension named by its column
        ["--from", "2030-01-01", "--to", "2030-12-31", "--period", "month"],  # no line in it
        ["--by", "channel", *MAPPED],  # tables with other column names
        # The CLV formula's rows: by quarter in a window that cuts the first and last quarters,
        # and over the whole window.
        [*CLV_FORMULA, "--by", "segment", "--period", "quarter", "--from", "2024-02-15",
         "--to", "2025-05-20"],
        [*CLV_FORMULA, "--by", "loyalty"],
        ["--by", "campaign-type", "--period", "quarter"],  # each line's campaign's type
        ["--by", "segment", *WITH_CUSTOMERS],  # the customers table's segments win
        ["--by", "loyalty", "--period", "quarter", *WITH_CUSTOMERS],  # and its flags
        # Cross-tabs: two customer dimensions, cross-sell's categories counted over the other
        # dimension's group, loyalty-cross-sell's non-members, the campaigns by two of theirs.
        ["--by", "segment", "--by", "channel", "--period", "month"],
        ["--by", "channel", "--by", "category"],
        ["--by", "category", "--by", "loyalty", "--period", "quarter"],
        ["--by", "loyalty", "--by", "segment", *WITH_CUSTOMERS],
        ["--by", "campaign-type", "--by", "channel"],
        ["--by", "campaign", "--by", "column:segment", "--period", "week"],
    ]
    return [(" ".join(args) or "(no options)", args) for args in out]


# Spark takes seconds a statement even on small tables: it runs the scenarios that cover every
# KPI with and without --by and --period (month, ISO week, quarter), on the small files.
SPARK_SCENARIOS = {
    "(no options)", "--by channel", "--by campaign", "--period month",
    "--by segment --period week", "--by loyalty --period quarter",
    "--by category --period month", "--level category",
    "--from 2024-03-01 --to 2024-09-30 --by channel --period week",
    "--by channel --by category",  # a cross-tab, cross-sell's categories over the channel
}
SPARK_FILES = {"fixture", "edge"}
# `compute --engine postgres` runs the statement again: on the small files only, the 200K file's
# statements being checked already.


# `xsell sql pairs` and `xsell sql cohort`: (command, options) pairs, few and cheap. `{item}` is
# the product of the file's first line (an item of `--for` must be in the file).
ROWS_SCENARIOS = [
    ("pairs", []),
    ("pairs", ["--top", "0", "--basket", "customer", "--level", "category"]),
    ("pairs", ["--by", "segment", "--top", "3", "--max-basket", "3"]),
    ("pairs", ["--by", "channel", "--top", "0", "--min-count", "2", "--min-lift", "1.5",
               "--min-confidence", "0.05"]),
    ("pairs", ["--by", "loyalty", "--basket", "customer", "--top", "0", "--min-support", "0.001",
               "--from", "2024-03-01", "--to", "2024-09-30"]),
    ("pairs", ["--for", "{item}", "--top", "0"]),
    ("cohort", []),
    ("cohort", ["--period", "week", "--metric", "revenue"]),
    ("cohort", ["--period", "quarter", "--from", "2024-02-15", "--to", "2025-05-20"]),
    ("cohort", ["--period", "year", "--metric", "revenue", "--from", "2021-01-01"]),
    ("cohort", ["--from", "2024-03-01", "--to", "2024-09-30", "--metric", "revenue"]),
    # The edge file's dates (2020-12-31 to 2021-12-31): both ends cut.
    ("cohort", ["--from", "2021-01-02", "--to", "2021-12-30", "--metric", "revenue"]),
    # The customers table's segments: on the edge file, which has one.
    ("pairs", ["--by", "segment", "--top", "0", *WITH_CUSTOMERS]),
    ("pairs", ["--by", "loyalty", "--by", "channel", "--top", "0"]),  # a cross-tab
]
# Spark: a few of them, on the small files.
SPARK_ROWS = {"pairs (no options)", "pairs --top 0 --basket customer --level category",
              "pairs --by channel --top 0 --min-count 2 --min-lift 1.5 --min-confidence 0.05",
              "cohort (no options)", "cohort --period week --metric revenue",
              "cohort --period quarter --from 2024-02-15 --to 2025-05-20"}
# The columns of the statements, and of the CSV they stand for (pairs' `group` is group_label).
ROWS_COLUMNS = {
    "pairs": ["group_label", "antecedent", "consequent", "count", "support", "confidence",
              "lift", "leverage", "conviction"],
    "cohort": ["cohort", "k", "period", "value", "numerator", "denominator"],
}
# How each column compares: as text, as an exact decimal (counts, money), as a double.
ROWS_KINDS = {
    "group_label": "text", "antecedent": "text", "consequent": "text", "cohort": "text",
    "period": "text", "count": "exact", "k": "exact", "numerator": "exact",
    "denominator": "exact", "support": "double", "confidence": "double", "lift": "double",
    "leverage": "double", "conviction": "double", "value": "double",
}


def rows_name(command, args):
    return f"{command} {' '.join(args) or '(no options)'}"


def first_item(path):
    with open(path, newline="") as f:
        return next(csv.DictReader(f))["product_id"]


def csv_rows(xsell, command, path, args):
    """The rows of `xsell pairs|cohort --format csv`, as lists of texts, or an error string."""
    cmd = [xsell, command, path, "--format", "csv", *unmapped(args, path)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return f"`{' '.join(cmd)}` exited {p.returncode}: {p.stderr.strip()[-300:]}"
    return list(csv.reader(p.stdout.splitlines()))[1:]


def compare_rows(command, expected, columns, rows):
    """Differences between the CSV's rows and the statement's, in order, as readable lines.
    Doubles compare exactly: the CSV writes each in full (the shortest text that reads back to
    the same double)."""
    names = ROWS_COLUMNS[command]
    if [c.lower() for c in columns] != names:
        return [f"columns are {columns}, expected {names}"]
    problems = []
    if len(rows) != len(expected):
        problems.append(f"{len(rows)} rows, the CSV has {len(expected)}")
    for i, (want, got) in enumerate(zip(expected, rows)):
        for name, w, g in zip(names, want, got):
            kind = ROWS_KINDS[name]
            if kind == "text":
                same = w == text(g)
            elif kind == "exact":
                same = as_decimal(w) == as_decimal(g)
            else:
                e, a = as_float(w), as_float(g)
                same = (e is None and a is None) or (isinstance(a, float) and e == a)
            if not same:
                problems.append(f"row {i + 1} ({', '.join(want[:3])}): {name} expected "
                                f"{w or 'NULL'}, got {g!r}")
    return problems


# ---- The engines: each loads a file into its own `orders` table and runs one statement. ----


class DuckDB:
    name = dialect = "duckdb"

    def __init__(self):
        import duckdb

        self.duckdb = duckdb
        self.cons = {}

    def load(self, label, path, campaigns):
        con = self.duckdb.connect()  # in memory, one database per file
        for table, file in [("orders", path), ("campaigns", campaigns),
                            ("customers", CUSTOMERS.get(path))]:
            if file:
                con.execute(create_table(0, table))
                quoted = file.replace("'", "''")
                con.execute(f"COPY {table} FROM '{quoted}' (FORMAT csv, HEADER true, NULLSTR '')")
        for sql in mapped_views('"', campaigns):
            con.execute(sql)
        self.cons[label] = con

    def query(self, label, sql):
        con = self.cons[label]
        cur = con.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()

    def run(self, label, sql, timeout):
        # DuckDB has no statement timeout: interrupt the connection from a timer instead.
        con = self.cons[label]
        timer = threading.Timer(timeout, con.interrupt)
        timer.start()
        try:
            return self.query(label, sql)
        except self.duckdb.InterruptException:
            raise RuntimeError(f"interrupted after the {timeout:g} s timeout") from None
        finally:
            timer.cancel()


class Postgres:
    name = dialect = "postgres"

    def __init__(self, host, port, user):
        import psycopg

        self.psycopg = psycopg
        self.params = dict(host=host, port=port, user=user)
        self.admin = psycopg.connect(dbname="postgres", autocommit=True, **self.params)
        self.cons = {}

    def load(self, label, path, campaigns):
        db = f"xsell_{label}"  # one database per file, each with its tables
        self.admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        self.admin.execute(f'CREATE DATABASE "{db}"')
        con = self.psycopg.connect(dbname=db, autocommit=True, **self.params)
        for table, file in [("orders", path), ("campaigns", campaigns),
                            ("customers", CUSTOMERS.get(path))]:
            if not file:
                continue
            con.execute(create_table(1, table))
            # CSV format reads an unquoted empty cell as NULL, text columns included.
            copy_sql = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true, NULL '')"
            with con.cursor() as cur, open(file, "rb") as f:
                with cur.copy(copy_sql) as copy:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
            con.execute(f"ANALYZE {table}")
        for sql in mapped_views('"', campaigns):
            con.execute(sql)
        self.cons[label] = con

    def query(self, label, sql):
        cur = self.cons[label].execute(sql)
        return [d.name for d in cur.description], cur.fetchall()

    def run(self, label, sql, timeout):
        self.cons[label].execute(f"SET statement_timeout = {int(timeout * 1000)}")
        return self.query(label, sql)


class Spark:
    """Spark in local mode (pyspark), bound to 127.0.0.1; each file's tables are temporary
    views of their own names, replaced file by file."""
    name = dialect = "spark"

    def __init__(self):
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.loaded = None

    def load(self, label, path, campaigns):
        for table, file, columns in [("orders", path, ORDER_COLUMNS),
                                     ("campaigns", campaigns, CAMPAIGN_COLUMNS),
                                     ("customers", CUSTOMERS.get(path), CUSTOMER_COLUMNS)]:
            if file:
                schema = ", ".join(f"{n} {SPARK_TYPES.get(t[0], t[0])}" if len(t) < 3 else
                                   f"{n} {t[2]}" for n, *t in columns)
                # A quote inside a quoted cell is doubled, as in RFC 4180 (Spark's default
                # escape is a backslash).
                frame = self.spark.read.csv(file, header=True, schema=schema, escape='"')
                frame.cache().createOrReplaceTempView(table)
        for sql in mapped_views("`", campaigns):
            self.spark.sql(sql.replace("CREATE VIEW", "CREATE OR REPLACE TEMP VIEW"))
        self.loaded = label

    def query(self, label, sql):
        assert label == self.loaded, "Spark holds one file's tables at a time"
        frame = self.spark.sql(sql.rstrip().rstrip(";"))
        return frame.columns, [tuple(r) for r in frame.collect()]

    def run(self, label, sql, timeout):
        return self.query(label, sql)


def check_load(engine, label, path):
    """The loaded table holds every line of the file, with NULL exactly where a cell is empty."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    empty = {name: sum(1 for r in rows if r[name] == "") for name, *_ in ORDER_COLUMNS}
    nulls = ", ".join(f"count(*) - count({name})" for name, *_ in ORDER_COLUMNS)
    _, got = engine.query(label, f"SELECT count(*), {nulls} FROM orders")
    count, *null_counts = got[0]
    problems = []
    if count != len(rows):
        problems.append(f"{count} rows loaded, the file has {len(rows)}")
    for (name, *_), n in zip(ORDER_COLUMNS, null_counts):
        if n != empty[name]:
            problems.append(f"{name}: {n} NULLs loaded, the file has {empty[name]} empty cells")
    if problems:
        sys.exit(f"load of {path} into {engine.name} is wrong: " + "; ".join(problems))
    return len(rows)


# ---- xsell: the expected rows, and the statements to check. ----


def compute(xsell, path, campaigns, metrics, args):
    """The rows of `xsell compute`, keyed by (metric, group, period), or an error string."""
    cmd = [xsell, "compute", "--metric", ",".join(metrics), path, "--format", "csv",
           *unmapped(args, path)]
    if campaigns:
        cmd += ["--campaigns", campaigns]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if p.returncode != 0:
        return f"`{' '.join(cmd)}` exited {p.returncode}"
    rows = {}
    for r in csv.DictReader(p.stdout.splitlines()):
        # Other rows (skipped-rows, ...) are not asked of the SQL; the CLV formula's factors
        # (clv.aov, ...) are.
        if r["metric"].split(".")[0] in metrics:
            rows[(r["metric"], r["group"], r["period"])] = r
    return rows


def same_through_engine(xsell, path, campaigns, metrics, args, url):
    """`xsell compute --engine postgres` prints what `xsell compute` prints on the file, byte for
    byte (CSV: values, intervals and all); the differences, as lines."""
    def output(cmd):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return p.returncode, p.stdout, p.stderr.strip()

    base = [xsell, "compute", "--metric", ",".join(metrics), "--format", "csv"]
    files = [path, *unmapped(args, path)] + (["--campaigns", campaigns] if campaigns else [])
    tables = ["--engine", "postgres", "--url", url, *tables_and_options(metrics, args)]
    want, got = output(base + files), output(base + tables)
    if got[0] != want[0] or got[1] != want[1]:
        diff = [line for line in difflib.unified_diff(
            want[1].splitlines(), got[1].splitlines(), "file", "engine", lineterm="")]
        return [f"compute --engine postgres exited {got[0]} (file: {want[0]}): {got[2]}"] + diff[:12]
    return []


def tables_and_options(metrics, args):
    """The tables a scenario's statement (or `--engine`) reads, then the scenario's options."""
    # The order KPIs by campaign type read the campaigns' types from their table too.
    with_campaigns = metrics == CAMPAIGN_METRICS or "campaign-type" in args
    campaigns = ["--campaigns-table", "campaigns"] if with_campaigns else []
    orders = ["--orders-table", "orders"]
    if "--orders-table" in args:  # MAPPED
        orders = []
        campaigns = MAPPED_CAMPAIGNS if campaigns else []
    return [*orders, *campaigns, *args]


def sql_command(xsell, dialect, metrics, args):
    return [xsell, "sql", "--metric", ",".join(metrics), "--dialect", dialect,
            *tables_and_options(metrics, args)]


def render(xsell, dialect, args):
    """The statements for one scenario: [(metrics, sql)] (the order KPIs in one statement, the
    campaign KPIs in another), plus skipped [(metrics, reason)] and errors."""
    def one(metrics):
        p = subprocess.run(sql_command(xsell, dialect, metrics, args), capture_output=True,
                           text=True)
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    statements, skipped, errors = [], [], []
    for metrics in GROUPS:
        rc, out, err = one(metrics)
        if rc == 2:
            skipped.append((",".join(metrics), err.splitlines()[0] if err else "(no message)"))
        elif rc != 0:
            errors.append(f"xsell sql for {','.join(metrics)} exited {rc}: {err}")
        elif not out.endswith(";"):
            errors.append(f"xsell sql for {','.join(metrics)} printed no statement ending with"
                          f" ';': {out[-200:]!r}")
        else:
            statements.append((metrics, out))
    return statements, skipped, errors


# ---- The comparison. ----


def as_decimal(x):
    """A cell as an exact decimal; None stays None. A float shows its exact binary value, so
    money summed as a double shows up as a difference."""
    if x is None or x == "":
        return None
    if isinstance(x, bool):
        return Decimal(int(x))
    try:
        return Decimal(x) if isinstance(x, (int, float, Decimal)) else Decimal(str(x))
    except InvalidOperation:
        return x  # not a number: compared as it is, and reported


def as_float(x):
    if x is None or x == "":
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return x


def text(x):
    return "" if x is None else str(x)


def compare(expected, metrics, columns, rows):
    """Differences between compute's rows and the SQL's, as readable lines."""
    if [c.lower() for c in columns] != SQL_COLUMNS:
        return [f"columns are {columns}, expected {SQL_COLUMNS}"]
    problems = []
    got = {}
    for row in rows:
        r = dict(zip(SQL_COLUMNS, row))
        key = (text(r["metric"]), text(r["group_label"]), text(r["period"]))
        if key in got:
            problems.append(f"{fmt_key(key)}: returned twice: {got[key]} and {r}")
        got[key] = r
    want = {k: r for k, r in expected.items() if k[0].split(".")[0] in metrics}
    for key in sorted(want.keys() - got.keys()):
        w = want[key]
        problems.append(f"{fmt_key(key)}: missing in SQL (compute: value={w['value'] or 'n/a'}"
                        f" numerator={w['numerator']} denominator={w['denominator']})")
    for key in sorted(got.keys() - want.keys()):
        g = got[key]
        problems.append(f"{fmt_key(key)}: extra row in SQL (value={g['value']}"
                        f" numerator={g['numerator']} denominator={g['denominator']})")
    for key in sorted(want.keys() & got.keys()):
        w, g = want[key], got[key]
        for field in ("numerator", "denominator"):
            e, a = as_decimal(w[field]), as_decimal(g[field])
            if a is None and e == 0:
                a = e  # n/a: a NULL sum or count where compute prints 0
            if e != a:
                problems.append(f"{fmt_key(key)}: {field} expected {w[field]}, got {g[field]!r}")
        e, a = as_float(w["value"]), as_float(g["value"])
        if not values_agree(e, a):
            problems.append(f"{fmt_key(key)}: value expected {w['value'] or 'NULL'},"
                            f" got {g['value']!r}")
        if w["by"] != text(g["by_label"]):
            problems.append(f"{fmt_key(key)}: by_label expected {w['by'] or 'NULL'},"
                            f" got {g['by_label']!r}")
    return problems


def values_agree(e, a):
    if e is None or a is None:
        return e is None and a is None
    if not isinstance(a, float):
        return False
    return abs(e - a) <= REL_TOLERANCE * max(abs(e), abs(a)) or e == a


def fmt_key(key):
    metric, group, period = key
    return f"{metric} / {group} / {period or '(no period)'}"


# ---- The run. ----


def show_failure(where, problems, cmd):
    """Prints a failed check: where, its first MAX_SHOWN problems, and how to see the SQL."""
    print(f"FAIL  {where}: {len(problems)} difference(s)")
    for problem in problems[:MAX_SHOWN]:
        print(f"        {problem}")
    if len(problems) > MAX_SHOWN:
        print(f"        ... and {len(problems) - MAX_SHOWN} more")
    print(f"        to see the SQL: {shlex.join(cmd)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xsell", required=True)
    ap.add_argument("--file", action="append", required=True,
                    metavar="NAME=ORDERS[,CAMPAIGNS]")
    ap.add_argument("--spark", action="store_true", help="also Spark in local mode (pyspark)")
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-port", type=int, help="PostgreSQL's port; without it, DuckDB only")
    ap.add_argument("--pg-user", default="postgres")
    ap.add_argument("--only", help="run only the scenarios whose name contains this text")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per statement")
    opts = ap.parse_args()
    files = []
    for f in opts.file:
        label, paths = f.split("=", 1)
        path, _, campaigns = paths.partition(",")
        files.append((label, path, campaigns or None))
    scens = [s for s in scenarios() if not opts.only or opts.only in s[0]]

    engines = [DuckDB()]
    if opts.pg_port:
        engines.append(Postgres(opts.pg_host, opts.pg_port, opts.pg_user))
    if opts.spark:
        engines.append(Spark())
    names = " and ".join(e.name for e in engines)

    # Render every scenario once per dialect (the SQL does not depend on the data file).
    rendered, skips, failures = {}, 0, 0
    for name, args in scens:
        for e in engines:
            statements, skipped, errors = render(opts.xsell, e.dialect, args)
            rendered[(name, e.name)] = statements
            for metric, reason in skipped:
                print(f"SKIP  {e.name:8} {name}: {metric} not rendered: {reason}")
            skips += len(skipped)
            for err in errors:
                print(f"FAIL  {e.name:8} {name}: {err}")
            failures += len(errors)

    checked, slow = set(), []
    for label, path, campaigns in files:
        # Spark runs a subset: the small files, the scenarios that cover the options.
        runs = {e.name: e.name != "spark" or label in SPARK_FILES for e in engines}
        for e in engines:
            if not runs[e.name]:
                continue
            t0 = time.monotonic()
            e.load(label, path, campaigns)
            n = check_load(e, label, path)
            print(f"load  {e.name:8} {label}: {n} rows in {time.monotonic() - t0:.2f} s")
        for name, args in scens:
            if "--customers-table" in args and path not in CUSTOMERS:
                continue  # a file without a customers table
            if "campaign-type" in args and not campaigns:
                continue  # a file without campaigns
            expected = {tuple(m): compute(opts.xsell, path, campaigns, m, args) for m in GROUPS}
            timings, failed = [], False
            for e in engines:
                if not runs[e.name] or (e.name == "spark" and name not in SPARK_SCENARIOS):
                    continue
                for metrics, sql in rendered[(name, e.name)]:
                    if metrics == CAMPAIGN_METRICS and not campaigns:
                        continue  # a file without campaigns
                    expected_rows = expected[tuple(metrics)]
                    where = f"[{label} | {name} | {e.name} | {','.join(metrics)}]"
                    if isinstance(expected_rows, str):
                        problems = [f"compute failed: {expected_rows}"]
                    else:
                        t0 = time.monotonic()
                        try:
                            columns, rows = e.run(label, sql, opts.timeout)
                            problems = compare(expected_rows, metrics, columns, rows)
                        except Exception as err:  # the engine refused or failed the statement
                            lines = [x.strip() for x in str(err).splitlines() if x.strip()]
                            problems = [f"SQL error: {type(err).__name__}: " + " | ".join(lines)]
                        took = time.monotonic() - t0
                        tag = "" if metrics == ORDER_METRICS else "[campaigns]"
                        timings.append(f"{e.name}{tag} {took:.2f}s")
                        slow.append((took, where))
                    if e.name == "postgres" and not problems and label in SPARK_FILES:
                        url = f"postgresql://{opts.pg_user}@{opts.pg_host}:{opts.pg_port}/xsell_{label}"
                        problems = same_through_engine(opts.xsell, path, campaigns, metrics, args,
                                                       url)
                    checked.add((label, name))
                    if problems:
                        failures += 1
                        failed = True
                        show_failure(where, problems,
                                     sql_command("xsell", e.dialect, metrics, args))
            if timings:  # one line per file and scenario, with each statement's time
                status = "fail" if failed else "ok"
                print(f"{status:5} {label:8} {name}: {', '.join(timings)}")
        item = first_item(path)
        for command, template in ROWS_SCENARIOS:
            name = rows_name(command, template)
            if opts.only and opts.only not in name:
                continue
            args = [a.replace("{item}", item) for a in template]
            if "--customers-table" in args and path not in CUSTOMERS:
                continue  # a file without a customers table
            expected = csv_rows(opts.xsell, command, path, args)
            timings, failed = [], False
            for e in engines:
                if not runs[e.name] or (e.name == "spark" and name not in SPARK_ROWS):
                    continue
                where = f"[{label} | {name} | {e.name}]"
                cmd = [opts.xsell, "sql", command, "--dialect", e.dialect, *args]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if isinstance(expected, str):
                    problems = [f"xsell failed: {expected}"]
                elif p.returncode != 0 or not p.stdout.strip().endswith(";"):
                    problems = [f"xsell sql {command} exited {p.returncode}: {p.stderr.strip()}"]
                else:
                    t0 = time.monotonic()
                    try:
                        columns, rows = e.run(label, p.stdout, opts.timeout)
                        problems = compare_rows(command, expected, columns, rows)
                    except Exception as err:  # the engine refused or failed the statement
                        lines = [x.strip() for x in str(err).splitlines() if x.strip()]
                        problems = [f"SQL error: {type(err).__name__}: " + " | ".join(lines)]
                    took = time.monotonic() - t0
                    timings.append(f"{e.name} {took:.2f}s")
                    slow.append((took, where))
                checked.add((label, name))
                if problems:
                    failures += 1
                    failed = True
                    show_failure(where, problems, ["xsell", *cmd[1:]])
            if timings:
                status = "fail" if failed else "ok"
                rows = "" if isinstance(expected, str) else f" ({len(expected)} rows)"
                print(f"{status:5} {label:8} {name}{rows}: {', '.join(timings)}")

    print("slowest statements:")
    for took, where in sorted(slow, reverse=True)[:5]:
        print(f"  {took:7.2f} s  {where}")
    print(f"sql: {len(checked)} scenarios checked on {names}, {skips} skipped,"
          f" {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
