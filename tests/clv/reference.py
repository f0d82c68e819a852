#!/usr/bin/env python3
"""Writes the lifetimes reference values that `tests/it/clv.rs` compares xsell's CLV models with.

Reads `cdnow_summary.csv` beside this file (lifetimes' CDNOW sample summary: one row per customer,
`x` repeat purchase weeks, `t_x` recency and `T` age in weeks at 1997-09-30, `zbar` the mean value of
the repeat purchases), fits lifetimes' BetaGeoFitter on (x, t_x, T) and GammaGammaFitter on the
customers with x > 0, and writes

- `reference_params.csv`: model, parameter, estimate, standard error, 95% bounds, the model's
  log-likelihood (a sum over customers) and the number of customers fitted;
- `reference.csv`: per customer, lifetimes' P(alive), expected repeat purchases in the next
  HORIZON_WEEKS weeks, conditional expected average value, and CLV over CLV_MONTHS months at a
  monthly discount rate of DISCOUNT (freq 'W', no margin: lifetimes has none, i.e. margin 1).

Values are written with repr() (the shortest text that reads back to the same float), so the Rust
tests see lifetimes' numbers exactly.

Environment (what this was run with; lifetimes 0.11.3 is the last release and runs unchanged on):
    python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes==0.11.3 numpy==2.4.6 \
        scipy==1.17.1 pandas==3.1.1 autograd==1.9.1
    /tmp/lt/bin/python tests/clv/reference.py
"""

import csv
import math
import os

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

HERE = os.path.dirname(os.path.abspath(__file__))
HORIZON_WEEKS = 52.0
CLV_MONTHS = 12
DISCOUNT = 0.01


def main():
    data = pd.read_csv(os.path.join(HERE, "cdnow_summary.csv"))
    data = data.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})

    bg = BetaGeoFitter()
    bg.fit(data["frequency"], data["recency"], data["T"])
    returning = data[data["frequency"] > 0]
    gg = GammaGammaFitter()
    gg.fit(returning["frequency"], returning["monetary_value"])

    # The log-likelihood as a sum over customers, in the data's own time unit (weeks): lifetimes
    # minimises the mean over customers, and BetaGeoFitter does so with time rescaled to max T = 1,
    # which shifts its value by a constant; evaluate its function again at the fitted parameters.
    ones = np.ones(len(data))
    ones_r = np.ones(len(returning))
    log_likelihood = {
        "bgnbd": -len(data) * BetaGeoFitter._negative_log_likelihood(
            np.log(bg.params_.values), data["frequency"].values, data["recency"].values,
            data["T"].values, ones, 0.0),
        "gamma_gamma": -len(returning) * GammaGammaFitter._negative_log_likelihood(
            np.log(gg.params_.values), returning["frequency"].values.astype(float),
            returning["monetary_value"].values, ones_r, 0.0),
    }

    with open(os.path.join(HERE, "reference_params.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["model", "param", "value", "se", "lower", "upper", "log_likelihood", "n"])
        for model, fitter in (("bgnbd", bg), ("gamma_gamma", gg)):
            n = int(fitter.data["weights"].sum())
            ll = log_likelihood[model]
            for name in fitter.params_.index:
                ci = fitter.confidence_intervals_.loc[name]
                w.writerow([
                    model,
                    name,
                    repr(float(fitter.params_[name])),
                    repr(float(fitter.standard_errors_[name])),
                    repr(float(ci["lower 95% bound"])),
                    repr(float(ci["upper 95% bound"])),
                    repr(float(ll)),
                    n,
                ])

    f, r, t, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
    p_alive = bg.conditional_probability_alive(f, r, t)
    purchases = bg.conditional_expected_number_of_purchases_up_to_time(HORIZON_WEEKS, f, r, t)
    average = gg.conditional_expected_average_profit(f, m)
    clv = gg.customer_lifetime_value(bg, f, r, t, m, time=CLV_MONTHS, discount_rate=DISCOUNT, freq="W")

    with open(os.path.join(HERE, "reference.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow([
            "id", "frequency", "recency", "T", "monetary_value",
            "p_alive", "expected_purchases_52w", "expected_average_value", "clv_12m",
        ])
        for i in range(len(data)):
            row = [float(v) for v in (p_alive[i], purchases.iloc[i], average.iloc[i], clv.iloc[i])]
            assert all(math.isfinite(v) for v in row), (i, row)
            w.writerow([
                int(data["ID"].iloc[i]), int(f.iloc[i]), repr(float(r.iloc[i])),
                repr(float(t.iloc[i])), repr(float(m.iloc[i])),
            ] + [repr(v) for v in row])

    print(bg.summary)
    print(gg.summary)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
