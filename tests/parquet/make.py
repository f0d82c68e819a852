#!/usr/bin/env python3
"""Writes the Parquet files that tests/it/parquet.rs reads, with DuckDB (a real writer of the
format, as users' files come from DuckDB, Spark, pandas and Polars):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install duckdb==2.0.1
    /tmp/venv/bin/python tests/parquet/make.py

The generated files are committed, so that the tests need neither Python nor the network.

orders.parquet   fixtures/orders.csv with warehouse types: DATE order_date, INTEGER quantity,
                 DECIMAL(12,2) amount, BOOLEAN loyalty, the rest VARCHAR; zstd, row groups of
                 1,000 rows (three of them).
campaigns.parquet  fixtures/campaigns.csv typed: DATE dates, DECIMAL(12,2) cost, BIGINT counts.
types.parquet    six order lines (as tests/workbooks' Orders sheet), each column of another type:
                   order_id     UBIGINT, the first order 18446744073709551615 (above i64's range)
                   customer_id  VARCHAR
                   order_date   TIMESTAMP WITH TIME ZONE (stored in UTC; the first line at
                                10:00 UTC, the others at midnight)
                   day          DATE (the same dates)
                   product_id   VARCHAR ("Mug, large" holds the delimiter)
                   dec_i32      DECIMAL(9,2)  (stored as INT32)
                   dec_i64      DECIMAL(18,2) (INT64)
                   dec_wide     DECIMAL(38,2) (16 fixed bytes)
                   dbl          DOUBLE
                   flt          FLOAT
                   campaign_id  VARCHAR, NULL but on the first order
                   tags         VARCHAR[] (a list: a nested column)
                 The amounts are the same in every amount column: 2.55, 10, 7.45, 20, 4.5, 5.5.
damaged.parquet  orders.parquet cut to its first 20,000 bytes (its footer lost).
lz4.parquet      types.parquet compressed with LZ4 (a codec xsell is not built to read).
apart.parquet    (and apart.csv, DuckDB's CSV export of it) four lines: order A's two lines apart,
                 order B's between them, an Email column on every line (which --fill-down
                 names and nothing else reads), and TIMESTAMP dates whose two A lines differ
                 only in microseconds (10:00:00.000250 and 10:00:00.000900): two lines, no
                 repeat.
"""

import os

import duckdb

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
out = lambda name: os.path.join(here, name)

db = duckdb.connect()
db.execute("SET TimeZone = 'UTC'")
db.execute(f"""
    COPY (
        SELECT order_id, customer_id, CAST(order_date AS DATE) AS order_date, product_id,
               category, CAST(quantity AS INTEGER) AS quantity,
               CAST(amount AS DECIMAL(12, 2)) AS amount, channel, campaign_id, segment,
               CAST(loyalty AS BOOLEAN) AS loyalty
        FROM read_csv('{root}/fixtures/orders.csv', all_varchar = true)
    ) TO '{out("orders.parquet")}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000)
""")
db.execute(f"""
    COPY (
        SELECT campaign_id, campaign_type, channel, CAST(start_date AS DATE) AS start_date,
               CAST(end_date AS DATE) AS end_date, CAST(cost AS DECIMAL(12, 2)) AS cost,
               CAST(impressions AS BIGINT) AS impressions, CAST(clicks AS BIGINT) AS clicks,
               CAST(targeted AS BIGINT) AS targeted,
               CAST(conversions AS BIGINT) AS conversions
        FROM read_csv('{root}/fixtures/campaigns.csv', all_varchar = true)
    ) TO '{out("campaigns.parquet")}' (FORMAT parquet)
""")
lines = [
    (18446744073709551615, "C1", "2024-03-05 10:00:00", "P1", "2.55", "K1", ["a"]),
    (18446744073709551615, "C1", "2024-03-05 10:00:00", "Mug, large", "10", "K1", ["a", "b"]),
    (2, "C1", "2024-04-01 00:00:00", "P1", "7.45", None, []),
    (3, "C2", "2024-03-10 00:00:00", "P2", "20", None, None),
    (4, "C3", "2024-03-11 00:00:00", "P1", "4.5", None, ["c"]),
    (4, "C3", "2024-03-11 00:00:00", "Mug, large", "5.5", None, ["c"]),
]
db.execute("""
    CREATE TABLE types (order_id UBIGINT, customer_id VARCHAR, order_date TIMESTAMPTZ,
                        day DATE, product_id VARCHAR, dec_i32 DECIMAL(9, 2),
                        dec_i64 DECIMAL(18, 2), dec_wide DECIMAL(38, 2), dbl DOUBLE, flt FLOAT,
                        campaign_id VARCHAR, tags VARCHAR[])
""")
for order, customer, when, product, amount, campaign, tags in lines:
    db.execute(
        "INSERT INTO types VALUES (?, ?, CAST(? AS TIMESTAMPTZ), CAST(CAST(? AS TIMESTAMP) AS DATE), "
        "?, ?, ?, ?, ?, ?, ?, ?)",
        [order, customer, when, when, product, amount, amount, amount, float(amount),
         float(amount), campaign, tags],
    )
db.execute(f"COPY types TO '{out('types.parquet')}' (FORMAT parquet)")
db.execute(f"COPY types TO '{out('lz4.parquet')}' (FORMAT parquet, COMPRESSION lz4)")
db.execute("""
    CREATE TABLE apart AS SELECT * FROM (VALUES
        ('A', 'C1', TIMESTAMP '2024-03-05 10:00:00.000250', 'P1', 2.50::DECIMAL(9, 2), 'a@x'),
        ('B', 'C2', TIMESTAMP '2024-03-06 00:00:00', 'P2', 4.00::DECIMAL(9, 2), 'b@x'),
        ('A', 'C1', TIMESTAMP '2024-03-05 10:00:00.000900', 'P1', 2.50::DECIMAL(9, 2), 'a@x'),
        ('A', 'C1', TIMESTAMP '2024-03-05 10:00:00.000900', 'P3', 1.25::DECIMAL(9, 2), 'a@x'))
    AS t(order_id, customer_id, order_date, product_id, amount, "Email")
""")
db.execute(f"COPY apart TO '{out('apart.parquet')}' (FORMAT parquet)")
db.execute(f"COPY apart TO '{out('apart.csv')}' (FORMAT csv, HEADER true)")
with open(out("orders.parquet"), "rb") as f:
    whole = f.read()
with open(out("damaged.parquet"), "wb") as f:
    f.write(whole[:20000])
