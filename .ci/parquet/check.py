#!/usr/bin/env python3
"""Checks that xsell reads Parquet files written by real engines as it reads the CSV files they
came from: each CSV file is loaded with warehouse types (DATE dates, DECIMAL(12,2) amounts and
costs, INTEGER quantities, BOOLEAN loyalty, BIGINT counts) and written as Parquet by DuckDB
(zstd, snappy, gzip and uncompressed; small row groups; a TIMESTAMP date and a DOUBLE amount)
and by Spark (its default snappy files, several part files read as one stream; INT96
timestamps, as Spark wrote them by default before 3.0 and Hive and Impala still read them).
`xsell report --format csv` of every Parquet variant must print what it prints for the CSV
file; for a single file, its warnings too, under the other name.

    check.py --xsell target/debug/xsell --file LABEL=ORDERS[,CAMPAIGNS] ... [--spark]

Run by .ci/sql/run, in the venv that holds DuckDB and pyspark.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

ORDER_TYPES = {
    "order_date": "DATE",
    "quantity": "INTEGER",
    "amount": "DECIMAL(12, 2)",
    "loyalty": "BOOLEAN",
}
CAMPAIGN_TYPES = {
    "start_date": "DATE",
    "end_date": "DATE",
    "cost": "DECIMAL(12, 2)",
    "impressions": "BIGINT",
    "clicks": "BIGINT",
    "targeted": "BIGINT",
    "conversions": "BIGINT",
}


def header(path):
    with open(path, newline="") as f:
        return f.readline().strip().split(",")


def typed(columns, types, overrides=None):
    """A SELECT list casting each CSV column (read as text) to its warehouse type."""
    types = {**types, **(overrides or {})}
    return ", ".join(f"CAST({c} AS {types[c]}) AS {c}" if c in types else c for c in columns)


def duckdb_variants(db, orders, campaigns, out):
    """DuckDB's Parquet files of `orders` (and `campaigns`): name -> (orders, campaigns)."""
    src = f"read_csv('{orders}', all_varchar = true, header = true)"
    columns = header(orders)
    camps = None
    if campaigns:
        camps = os.path.join(out, "campaigns-duckdb.parquet")
        db.execute(
            f"COPY (SELECT {typed(header(campaigns), CAMPAIGN_TYPES)} FROM "
            f"read_csv('{campaigns}', all_varchar = true, header = true)) TO '{camps}' "
            f"(FORMAT parquet)"
        )
    variants = {}
    for compression, group in [("zstd", 10000), ("snappy", 122880), ("gzip", 50000),
                               ("uncompressed", 1000)]:
        path = os.path.join(out, f"duckdb-{compression}.parquet")
        db.execute(
            f"COPY (SELECT {typed(columns, ORDER_TYPES)} FROM {src}) TO '{path}' "
            f"(FORMAT parquet, COMPRESSION {compression}, ROW_GROUP_SIZE {group})"
        )
        variants[f"duckdb {compression}, row groups of {group}"] = ([path], camps)
    path = os.path.join(out, "duckdb-timestamp-double.parquet")
    overrides = {"order_date": "TIMESTAMP", "amount": "DOUBLE"}
    db.execute(
        f"COPY (SELECT {typed(columns, ORDER_TYPES, overrides)} FROM {src}) TO '{path}' "
        f"(FORMAT parquet)"
    )
    variants["duckdb TIMESTAMP dates, DOUBLE amounts"] = ([path], camps)
    return variants


def spark_variants(spark, orders, campaigns, out):
    """Spark's Parquet files of `orders` (and `campaigns`)."""
    def frame(path, types):
        text = spark.read.csv(path, header=True, escape='"')
        return text.selectExpr(
            *(f"CAST({c} AS {types[c]}) AS {c}" if c in types else c for c in header(path))
        )

    def write(df, name, parts, **options):
        where = os.path.join(out, name)
        writer = df.coalesce(parts).write.mode("overwrite")
        for key, value in options.items():
            writer = writer.option(key, value)
        writer.parquet(where)
        return sorted(glob.glob(os.path.join(where, "part-*.parquet")))

    camps = None
    if campaigns:
        camps = write(frame(campaigns, CAMPAIGN_TYPES), "spark-campaigns", 1)[0]
    # Spark keeps the CSV file's order within a partition: one part file keeps the lines' order.
    variants = {"spark snappy": (write(frame(orders, ORDER_TYPES), "spark-snappy", 1), camps)}
    spark.conf.set("spark.sql.parquet.outputTimestampType", "INT96")
    stamps = frame(orders, {**ORDER_TYPES, "order_date": "TIMESTAMP"})
    variants["spark INT96 timestamps"] = (write(stamps, "spark-int96", 1), camps)
    spark.conf.unset("spark.sql.parquet.outputTimestampType")
    parts = write(frame(orders, ORDER_TYPES), "spark-parts", 3, compression="zstd")
    if len(parts) > 1:
        variants[f"spark zstd, {len(parts)} part files"] = (parts, camps)
    return variants


def report(xsell, orders, campaigns):
    args = [xsell, "report", *orders, "--format", "csv"]
    if campaigns:
        args += ["--campaigns", campaigns]
    run = subprocess.run(args, capture_output=True, text=True)
    return run.returncode, run.stdout, run.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--xsell", required=True)
    parser.add_argument("--file", action="append", default=[], help="LABEL=ORDERS[,CAMPAIGNS]")
    parser.add_argument("--spark", action="store_true")
    args = parser.parse_args()

    import duckdb

    db = duckdb.connect()
    db.execute("SET threads = 2")
    spark = None
    if args.spark:
        from pyspark.sql import SparkSession

        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")

    checked = failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for spec in args.file:
            label, files = spec.split("=", 1)
            orders, *rest = files.split(",")
            campaigns = rest[0] if rest else None
            out = os.path.join(scratch, label)
            os.makedirs(out)
            code, want, want_err = report(args.xsell, [orders], campaigns)
            if code != 0:
                print(f"parquet: {label}: the CSV report failed: {want_err}", file=sys.stderr)
                failed += 1
                continue
            variants = duckdb_variants(db, orders, campaigns, out)
            if spark:
                variants.update(spark_variants(spark, orders, campaigns, out))
            for name, (files, camps) in variants.items():
                started = time.time()
                code, got, got_err = report(args.xsell, files, camps)
                problems = []
                if code != 0:
                    problems.append(f"exit {code}: {got_err.strip()}")
                elif got != want:
                    problems.append("the report differs from the CSV file's")
                elif len(files) == 1:
                    renamed = got_err.replace(files[0], orders)
                    if camps:
                        renamed = renamed.replace(camps, campaigns)
                    if renamed != want_err:
                        problems.append(
                            f"the warnings differ:\n--- csv\n{want_err}--- parquet\n{renamed}"
                        )
                checked += 1
                seconds = time.time() - started
                if problems:
                    failed += 1
                    print(f"parquet: {label}, {name}: FAILED: {'; '.join(problems)}")
                else:
                    print(f"parquet: {label}, {name}: same report ({seconds:.1f} s)")
    print(f"parquet: {checked} files checked, {failed} different")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
