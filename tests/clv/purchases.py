#!/usr/bin/env python3
"""Writes the lifetimes reference that `xsell clv` is checked against end to end
(tests/it/clv.rs): the raw CDNOW transactions (`CDNOW_sample.txt` beside this file: customer,
customer again, date YYYYMMDD, quantity, amount), summarised by lifetimes'
summary_data_from_transaction_data with days / 7 as the time unit (freq='D', freq_multiplier=7)
and observation end 1997-09-30, from the purchase lines only (amount > 0, xsell's definition of
a purchase: the sample's 8 lines of $0.00 are left out, and with them 8 customers whose only
line they are), then BetaGeoFitter and GammaGammaFitter fitted to it.

Writes `reference_purchases.csv`: model, param, value (repr: the float exactly), the
log-likelihood and the customers fitted.

Run with the environment of reference.py:
    /tmp/lt/bin/python tests/clv/purchases.py
"""

import csv
import os

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rows = []
    with open(os.path.join(HERE, "CDNOW_sample.txt")) as f:
        for line in f:
            customer, _, date, _, amount = line.split()
            rows.append((customer, pd.Timestamp(date), float(amount)))
    data = pd.DataFrame(rows, columns=["customer", "date", "amount"])
    data = data[data["amount"] > 0]
    summary = summary_data_from_transaction_data(
        data, "customer", "date", monetary_value_col="amount",
        observation_period_end="1997-09-30", freq="D", freq_multiplier=7)
    bg = BetaGeoFitter(penalizer_coef=0.0)
    bg.fit(summary["frequency"], summary["recency"], summary["T"])
    returning = summary[summary["frequency"] > 0]
    gg = GammaGammaFitter(penalizer_coef=0.0)
    gg.fit(returning["frequency"], returning["monetary_value"])
    out = os.path.join(HERE, "reference_purchases.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "param", "value", "log_likelihood", "n"])
        for model, fitter, n in [("bgnbd", bg, len(summary)), ("gamma-gamma", gg, len(returning))]:
            ll = -fitter._negative_log_likelihood_ * n if hasattr(fitter, "_negative_log_likelihood_") else ""
            for name, value in fitter.params_.items():
                w.writerow([model, name, repr(float(value)), repr(float(ll)) if ll != "" else "", n])
    print(f"wrote {out}: {len(summary)} customers, {len(returning)} returning")


if __name__ == "__main__":
    main()
