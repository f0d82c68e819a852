#!/usr/bin/env python3
"""The peers of the benchmark: xsell's KPIs computed in DuckDB SQL, pandas and polars.

    python benches/peers.py duckdb|pandas|polars cross-sell|report ORDERS CAMPAIGNS [--threads N]

prints CSV `metric,numerator,denominator` for the headline (`all`) row of each KPI, counts as exact
integers and money with two decimals (more only if the data has them), so that benches/run can
compare the numbers with xsell's `--format csv` output; and on stderr the threads the tool used
(`threads: ...`), which benches/run shows in its table.

Threads (default: one per core, as xsell): DuckDB `SET threads = N`; polars `POLARS_MAX_THREADS=N`
(set before polars is imported: its thread pool is made once); pandas computes on one thread, and
only pyarrow's CSV reader under it runs on N (`pyarrow.set_cpu_count(N)`).

Definitions: README.md, sections "Definitions" and "Metrics", without --from/--to (the window is
the data's first to last date, so every line is in it) and with the default levels (cross-sell and
campaign-cross-sell count distinct products, loyalty-cross-sell distinct categories). The DuckDB
queries are the SQL of the independent SQLite oracle of tests (one query per KPI), with each
correlated "bought earlier" NOT EXISTS / EXISTS rewritten as the equivalent comparison with a
first-purchase date:

* a purchase line of item i dated d is "of an item not bought before d" exactly when d is the
  customer's first purchase date of i (the line itself is a purchase of i on d, so the minimum is
  <= d, and nothing earlier exists exactly when the minimum is d);
* a customer "had a purchase line before d" exactly when their first purchase date is < d.

Money is never summed in floating point: DuckDB reads amounts as DECIMAL(18,4) and sums them
exactly; pandas reads them as Arrow decimal128(18,4) and sums integer units of 1/10000 (int64);
polars reads them as Decimal(18,4) and sums them exactly (128-bit integers underneath).

Tasks:
  cross-sell  the customer cross-sell rate only;
  report      DuckDB: every headline KPI of `xsell report` (cross-sell, campaign-cross-sell,
              loyalty-cross-sell, ctr, conversion, roi, cac, aov, clv, retention pooled,
              repeat-rate); pandas and polars: five of them (cross-sell, repeat-rate, aov, clv,
              retention).

polars runs every query on its streaming engine (`LazyFrame.collect(engine="streaming")`, polars
1.31 and later; the report's five queries in one `pl.collect_all(..., engine="streaming")`, so that
their common scan of the file can be shared).

The peers assume the generator's clean format (examples/gen/main.rs): the documented headers, plain
`YYYY-MM-DD` dates, plain decimal amounts, loyalty written true/false (1/0, yes/no also read), no
padding spaces, every campaign cell except `conversions` filled in.
"""
import os
import sys
from decimal import Decimal

ORDER_COLUMNS = {
    "order_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "order_date": "DATE",
    "product_id": "VARCHAR",
    "category": "VARCHAR",
    "quantity": "BIGINT",
    "amount": "DECIMAL(18,4)",
    "channel": "VARCHAR",
    "campaign_id": "VARCHAR",
    "segment": "VARCHAR",
    "loyalty": "VARCHAR",
}
CAMPAIGN_COLUMNS = {
    "campaign_id": "VARCHAR",
    "campaign_type": "VARCHAR",
    "channel": "VARCHAR",
    "start_date": "DATE",
    "end_date": "DATE",
    "cost": "DECIMAL(18,4)",
    "impressions": "BIGINT",
    "clicks": "BIGINT",
    "targeted": "BIGINT",
    "conversions": "BIGINT",
}
MONEY = {"roi": (True, True), "cac": (True, False), "aov": (True, False), "clv": (True, False)}


def fmt_money(value):
    """An exact Decimal with two decimals (more only when the value has more)."""
    d = Decimal(value)
    q = d.quantize(Decimal("0.01"))
    return str(q if q == d else d.normalize())


def used(threads):
    """Tells benches/run (on stderr) the threads the tool runs on, as the tool reports them."""
    print(f"threads: {threads}", file=sys.stderr)


def emit(rows):
    print("metric,numerator,denominator")
    for metric, num, den in rows:
        money_num, money_den = MONEY.get(metric, (False, False))
        n = fmt_money(num) if money_num else str(int(num))
        d = fmt_money(den) if money_den else str(int(den))
        print(f"{metric},{n},{d}")


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------

def duck_types(columns):
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def duckdb_kpis(task, orders, campaigns, threads):
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}")
    used(con.execute("SELECT current_setting('threads')").fetchone()[0])

    def one(sql):
        return con.execute(sql).fetchone()

    read_orders = (f"read_csv('{orders}', header = true, auto_detect = false, "
                   f"columns = {duck_types(ORDER_COLUMNS)})")
    if task == "cross-sell":
        # Straight from the CSV: customers with >= 2 distinct products among their purchase
        # lines / customers with >= 1 purchase line.
        num, den = one(f"""
            WITH per_customer AS (
                SELECT customer_id, COUNT(DISTINCT product_id) AS n_items
                FROM {read_orders}
                WHERE amount > 0
                GROUP BY customer_id)
            SELECT COUNT(*) FILTER (WHERE n_items >= 2), COUNT(*) FROM per_customer""")
        return [("cross-sell", num, den)]

    # report: load both files once, then one query per KPI.
    con.execute(f"""
        CREATE TABLE orders AS
        SELECT order_id, customer_id, order_date, product_id,
               COALESCE(category, '') AS category,          -- an empty cell is a category too
               amount, campaign_id,                         -- NULL campaign_id = organic
               lower(COALESCE(loyalty, '')) IN ('true', '1', 'yes') AS loyalty
        FROM {read_orders}""")
    con.execute(f"""
        CREATE TABLE campaigns AS
        SELECT * FROM read_csv('{campaigns}', header = true, auto_detect = false,
                               columns = {duck_types(CAMPAIGN_COLUMNS)})""")
    # Purchase lines (the window is the whole data set), first purchase date of each customer,
    # of each (customer, product) and of each (customer, category).
    con.execute("""
        CREATE TEMP VIEW purchase AS
        SELECT * FROM orders WHERE amount > 0""")
    con.execute("""
        CREATE TEMP TABLE first_purchase AS
        SELECT customer_id, MIN(order_date) AS first_date
        FROM purchase GROUP BY customer_id""")
    out = []

    # cross-sell
    num, den = one("""
        WITH per_customer AS (
            SELECT customer_id, COUNT(DISTINCT product_id) AS n_items
            FROM purchase GROUP BY customer_id)
        SELECT COUNT(*) FILTER (WHERE n_items >= 2), COUNT(*) FROM per_customer""")
    out.append(("cross-sell", num, den))

    # campaign-cross-sell: distinct customers with a purchase line attributed to a listed
    # campaign, dated d, of a product they had not bought before d, who had bought before d
    # / sum of targeted.
    num, den = one("""
        WITH first_item AS (
            SELECT customer_id, product_id, MIN(order_date) AS first_item_date
            FROM purchase GROUP BY customer_id, product_id),
        q AS (
            SELECT DISTINCT p.customer_id
            FROM purchase p
            JOIN campaigns k ON k.campaign_id = p.campaign_id
            JOIN first_item i ON i.customer_id = p.customer_id
                             AND i.product_id = p.product_id
            JOIN first_purchase f ON f.customer_id = p.customer_id
            WHERE p.order_date = i.first_item_date        -- a product new to them on d
              AND f.first_date < p.order_date)            -- who had bought before d
        SELECT (SELECT COUNT(*) FROM q), (SELECT SUM(targeted) FROM campaigns)""")
    out.append(("campaign-cross-sell", num, den))

    # loyalty-cross-sell: members' orders (>= 1 purchase line) that are cross-sell orders /
    # all members' orders.
    num, den = one("""
        WITH members AS (
            SELECT customer_id FROM orders GROUP BY customer_id HAVING bool_or(loyalty)),
        ord AS (
            SELECT DISTINCT p.order_id, p.customer_id, p.order_date
            FROM purchase p JOIN members m ON m.customer_id = p.customer_id),
        first_cat AS (
            SELECT customer_id, category, MIN(order_date) AS first_cat_date
            FROM purchase GROUP BY customer_id, category),
        new_cat_order AS (        -- orders with a purchase line of a category new to them
            SELECT DISTINCT p.order_id
            FROM purchase p
            JOIN members m ON m.customer_id = p.customer_id
            JOIN first_cat c ON c.customer_id = p.customer_id
                            AND c.category = p.category
            WHERE p.order_date = c.first_cat_date)
        SELECT COUNT(*) FILTER (WHERE f.first_date < ord.order_date
                                  AND n.order_id IS NOT NULL),
               COUNT(*)
        FROM ord
        JOIN first_purchase f ON f.customer_id = ord.customer_id
        LEFT JOIN new_cat_order n ON n.order_id = ord.order_id""")
    out.append(("loyalty-cross-sell", num, den))

    # ctr
    num, den = one("SELECT SUM(clicks), SUM(impressions) FROM campaigns")
    out.append(("ctr", num, den))

    # conversion: a campaign without a conversions value counts its attributed buyers.
    num, den = one("""
        WITH buyers AS (
            SELECT campaign_id, COUNT(DISTINCT customer_id) AS n
            FROM purchase WHERE campaign_id IS NOT NULL GROUP BY campaign_id)
        SELECT SUM(COALESCE(k.conversions, b.n, 0)), SUM(k.impressions)
        FROM campaigns k LEFT JOIN buyers b ON b.campaign_id = k.campaign_id""")
    out.append(("conversion", num, den))

    # roi: (net revenue of the attributed lines - cost) / cost, from the sums.
    num, den = one("""
        WITH rev AS (
            SELECT campaign_id, SUM(amount) AS revenue
            FROM orders WHERE campaign_id IS NOT NULL GROUP BY campaign_id)
        SELECT SUM(COALESCE(r.revenue, 0)) - SUM(k.cost), SUM(k.cost)
        FROM campaigns k LEFT JOIN rev r ON r.campaign_id = k.campaign_id""")
    out.append(("roi", num, den))

    # cac: sum of cost / distinct customers with a purchase line attributed to a listed
    # campaign on their first order date.
    num, den = one("""
        WITH new_cust AS (
            SELECT DISTINCT p.customer_id
            FROM purchase p
            JOIN first_purchase f ON f.customer_id = p.customer_id
                                 AND f.first_date = p.order_date
            JOIN campaigns k ON k.campaign_id = p.campaign_id)
        SELECT (SELECT SUM(cost) FROM campaigns), (SELECT COUNT(*) FROM new_cust)""")
    out.append(("cac", num, den))

    # aov and clv: net revenue (every line) / orders, / customers with a purchase line.
    rev, n_orders, n_customers = one("""
        SELECT (SELECT COALESCE(SUM(amount), 0) FROM orders),
               (SELECT COUNT(DISTINCT order_id) FROM purchase),
               (SELECT COUNT(*) FROM first_purchase)""")
    out.append(("aov", rev, n_orders))
    out.append(("clv", rev, n_customers))

    # retention, pooled over the months P after the window's first: customers with an order in
    # P-1 and in P / customers with an order in P-1.
    num, den = one("""
        WITH active AS (
            SELECT DISTINCT customer_id,
                   year(order_date) * 12 + month(order_date) - 1 AS m
            FROM purchase),
        last AS (
            SELECT year(MAX(order_date)) * 12 + month(MAX(order_date)) - 1 AS m FROM orders)
        SELECT (SELECT COUNT(*) FROM active a
                JOIN active b ON b.customer_id = a.customer_id AND b.m = a.m + 1),
               (SELECT COUNT(*) FROM active, last WHERE active.m < last.m)""")
    out.append(("retention", num, den))

    # repeat-rate: customers with >= 2 orders / customers with >= 1.
    num, den = one("""
        WITH per_customer AS (
            SELECT customer_id, COUNT(DISTINCT order_id) AS n_orders
            FROM purchase GROUP BY customer_id)
        SELECT COUNT(*) FILTER (WHERE n_orders >= 2), COUNT(*) FROM per_customer""")
    out.append(("repeat-rate", num, den))
    return out


# --------------------------------------------------------------------------------------------
# pandas
# --------------------------------------------------------------------------------------------

def pandas_kpis(task, orders, campaigns, threads):
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    pa.set_cpu_count(threads)               # pyarrow's CSV reader; pandas itself runs on one
    used(f"1 (CSV reader: {pa.cpu_count()})")

    if task == "cross-sell":
        usecols = ["customer_id", "product_id", "amount"]
    else:
        usecols = ["order_id", "customer_id", "order_date", "product_id", "amount"]
    df = pd.read_csv(
        orders,
        engine="pyarrow",
        usecols=usecols,
        dtype={"amount": pd.ArrowDtype(pa.decimal128(18, 4)),
               "order_id": "str", "customer_id": "str", "product_id": "str",
               "order_date": "str"},
    )
    # Exact money: integer units of 1/10000 (xsell keeps four decimals).
    units = pc.multiply(pa.array(df["amount"]), pa.scalar(10000, pa.decimal128(18, 0)))
    df["amount"] = pd.Series(units.cast(pa.int64()).to_numpy(), index=df.index)
    purchase = df[df["amount"] > 0]

    def cross_sell():
        items = purchase[["customer_id", "product_id"]].drop_duplicates()
        per_customer = items.groupby("customer_id", sort=False).size()
        return ("cross-sell", int((per_customer >= 2).sum()), len(per_customer))

    if task == "cross-sell":
        return [cross_sell()]

    out = [cross_sell()]

    orders_of = purchase[["customer_id", "order_id"]].drop_duplicates()
    per_customer = orders_of.groupby("customer_id", sort=False).size()
    out.append(("repeat-rate", int((per_customer >= 2).sum()), len(per_customer)))

    revenue = Decimal(int(df["amount"].sum())) / 10000
    n_orders = purchase["order_id"].nunique()
    out.append(("aov", revenue, n_orders))
    out.append(("clv", revenue, len(per_customer)))

    # retention pooled: (customer, month) pairs with an order; month index = year * 12 + month.
    def month_index(dates):
        return (dates.str.slice(0, 4).astype("int32") * 12
                + dates.str.slice(5, 7).astype("int32") - 1)

    active = pd.DataFrame({
        "customer_id": purchase["customer_id"],
        "m": month_index(purchase["order_date"]),
    }).drop_duplicates()
    last_month = int(month_index(pd.Series([df["order_date"].max()])).iloc[0])
    following = active.assign(m=active["m"] - 1)       # (c, P) seen as (c, P-1)
    kept = active.merge(following, on=["customer_id", "m"], how="inner")
    out.append(("retention", len(kept), int((active["m"] < last_month).sum())))
    return out


# --------------------------------------------------------------------------------------------
# polars (streaming engine)
# --------------------------------------------------------------------------------------------

def polars_kpis(task, orders, campaigns, threads):
    os.environ["POLARS_MAX_THREADS"] = str(threads)   # read once, when the thread pool is made
    import polars as pl

    used(pl.thread_pool_size())
    types = {"order_id": pl.String, "customer_id": pl.String, "order_date": pl.Date,
             "product_id": pl.String, "amount": pl.Decimal(18, 4)}
    # Every column as text but the ones read, so that no type is guessed from the first rows.
    lines = pl.scan_csv(orders, infer_schema=False, schema_overrides=types).select(*types)
    purchase = lines.filter(pl.col("amount") > 0)

    def per_customer(column):
        """customers with >= 2 distinct values of column among their purchase lines, customers."""
        return (purchase.group_by("customer_id")
                .agg(n=pl.col(column).n_unique())
                .select(num=(pl.col("n") >= 2).sum(), den=pl.len()))

    if task == "cross-sell":
        num, den = per_customer("product_id").collect(engine="streaming").row(0)
        return [("cross-sell", num, den)]

    # retention pooled: (customer, month) pairs with a purchase; month index = year * 12 + month.
    def month(column):
        return pl.col(column).dt.year().cast(pl.Int32) * 12 + pl.col(column).dt.month() - 1

    active = purchase.select("customer_id", m=month("order_date")).unique()
    following = active.with_columns(pl.col("m") - 1)            # (c, P) seen as (c, P-1)
    queries = [
        per_customer("product_id"),
        per_customer("order_id"),
        # net revenue of every line (returns too), orders with a purchase line
        pl.concat([lines.select(pl.col("amount").sum()),
                   purchase.select(pl.col("order_id").n_unique())], how="horizontal"),
        active.join(following, on=["customer_id", "m"], how="inner").select(pl.len()),
        active.join(lines.select(last=month("order_date").max()), how="cross")
              .select((pl.col("m") < pl.col("last")).sum()),
    ]
    cross_sell, repeat, (revenue, n_orders), (kept,), (before_last,) = (
        frame.row(0) for frame in pl.collect_all(queries, engine="streaming"))
    revenue = Decimal(revenue or 0)
    return [("cross-sell", *cross_sell),
            ("repeat-rate", *repeat),
            ("aov", revenue, n_orders),
            ("clv", revenue, repeat[1]),
            ("retention", kept, before_last)]


TOOLS = {"duckdb": duckdb_kpis, "pandas": pandas_kpis, "polars": polars_kpis}


def main(argv):
    args = argv[1:]
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if len(args) == 6 and args[4] == "--threads" and args[5].isdigit() and int(args[5]) > 0:
        threads = int(args[5])
        args = args[:4]
    if len(args) != 4 or args[0] not in TOOLS or args[1] not in ("cross-sell", "report"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tool, task, orders, campaigns = args
    emit(TOOLS[tool](task, orders, campaigns, threads))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
