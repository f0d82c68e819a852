#!/usr/bin/env python3
"""`xsell clv`'s work done by lifetimes 0.11.3, the package xsell's CLV models are checked
against (tests/clv): the order lines read with pandas, the purchase lines (amount > 0)
summarised by `summary_data_from_transaction_data` (weeks: freq='D', freq_multiplier=7, the
observation ending on the data's last date, returns' included, as xsell's), BetaGeoFitter
fitted on every customer and GammaGammaFitter on the returning ones, then every customer's
12-month CLV (discount 0.01 a month, freq='W', margin 1: lifetimes has none).

    clv_peer.py ORDERS.csv > fit.csv

Prints what `xsell clv --format csv` prints of the fits and the CLV (model, parameter,
estimate): r, alpha, a, b; p, q, v; clv customers, total and mean, so that benches/run can
check the two agree. Reports its phases' times on stderr.
"""

import csv
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data


def main():
    started = time.perf_counter()
    lines = pd.read_csv(sys.argv[1], usecols=["customer_id", "order_date", "amount"],
                        dtype={"customer_id": str, "order_date": str, "amount": float})
    lines["order_date"] = pd.to_datetime(lines["order_date"], format="%Y-%m-%d")
    purchases = lines[lines["amount"] > 0]
    read = time.perf_counter()
    summary = summary_data_from_transaction_data(
        purchases, "customer_id", "order_date", monetary_value_col="amount",
        observation_period_end=lines["order_date"].max(), freq="D", freq_multiplier=7)
    summarised = time.perf_counter()
    bg = BetaGeoFitter(penalizer_coef=0.0)
    bg.fit(summary["frequency"], summary["recency"], summary["T"])
    returning = summary[summary["frequency"] > 0]
    gg = GammaGammaFitter(penalizer_coef=0.0)
    gg.fit(returning["frequency"], returning["monetary_value"])
    fitted = time.perf_counter()
    # Every customer's CLV: Gamma-Gamma's conditional expected value for each (a customer
    # without repeat purchases gets the population mean), as xsell predicts it.
    clv = gg.customer_lifetime_value(
        bg, summary["frequency"], summary["recency"], summary["T"],
        summary["monetary_value"], time=12, discount_rate=0.01, freq="W")
    scored = time.perf_counter()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["model", "parameter", "estimate"])
    for name in ("r", "alpha", "a", "b"):
        out.writerow(["bgnbd", name, repr(float(bg.params_[name]))])
    for name in ("p", "q", "v"):
        out.writerow(["gamma-gamma", name, repr(float(gg.params_[name]))])
    out.writerow(["clv", "customers", len(clv)])
    out.writerow(["clv", "total", repr(float(clv.sum()))])
    out.writerow(["clv", "mean", repr(float(clv.mean()))])
    print(f"lifetimes: {len(lines)} lines, {len(summary)} customers; read {read - started:.1f} s, "
          f"summary {summarised - read:.1f} s, fits {fitted - summarised:.1f} s, CLV "
          f"{scored - fitted:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
