#!/usr/bin/env python3
"""Check the generator's Shopify layout against its plain file, with the rules of --preset shopify.

    python3 benches/shopify_check.py check DIR      # DIR/orders.csv vs DIR/orders-shopify.csv
    python3 benches/shopify_check.py plain FILE     # FILE's kept lines in xsell's plain layout

The rules, written here independently of xsell (standard library only):
order = Name; customer = Email; date = the date part of Created at; product = Lineitem sku, or
Lineitem name where the sku is empty; quantity = Lineitem quantity; amount = Lineitem quantity x
Lineitem price - Lineitem discount (empty discount = 0); Email, Financial Status and Created at
filled down from an order's first row to its other rows (within the order only); orders whose
Financial Status is voided or refunded left out; orders without an email (guests) left out.

`check` reads both files and requires the kept Shopify lines to be the plain file's lines, one
for one and in the same order: orders correspond one to one (each plain order is one kept Shopify
order), the email is the plain customer id in lower case @example.com, the date, quantity and
amount (exact, in cents) are equal, and products correspond one to one (the sku is the plain
product id, or the name stands for it). Then the KPIs that read only these columns (cross-sell,
aov, repeat-rate, ...) are the same on both files. It prints the counts and the sums of amounts,
and exits 1 at the first difference.

`plain` writes order_id,customer_id,order_date,product_id,quantity,amount for the kept lines: the
input the preset should amount to (e.g. to compare `xsell compute --preset shopify` with xsell on
this output).
"""

import csv
import sys
from decimal import Decimal

LEFT_OUT_STATUSES = {"voided", "refunded"}
FILLED_DOWN = ("Email", "Financial Status", "Created at")


def cents(text):
    value = Decimal(text) * 100
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number of cents: {text!r}")
    return int(value)


def preset_lines(path, counts):
    """Yields (order, customer, date, product, quantity, amount_cents) of the kept lines and
    counts, in `counts`, the rows and orders kept and left out (by reason)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        col = {name: i for i, name in enumerate(header)}
        name_i, sku_i, lname_i = col["Name"], col["Lineitem sku"], col["Lineitem name"]
        qty_i, price_i, disc_i = col["Lineitem quantity"], col["Lineitem price"], col["Lineitem discount"]
        fill = [col[c] for c in FILLED_DOWN]
        email_i, status_i, created_i = fill
        order, first, seen = None, None, set()
        for row in rows:
            if len(row) != len(header):
                raise ValueError(f"{path}: a row of {len(row)} fields, the header has {len(header)}")
            if row[name_i] != order:
                order, first = row[name_i], row
                if order in seen:
                    raise ValueError(f"{path}: order {order} is not on consecutive rows")
                seen.add(order)
                new_order = True
            else:
                for i in fill:
                    if row[i] == "":
                        row[i] = first[i]
                new_order = False
            if row[status_i] in LEFT_OUT_STATUSES:
                reason = "cancelled"
            elif row[email_i] == "":
                reason = "guest"
            else:
                reason = "kept"
            counts[reason + "_rows"] += 1
            counts[reason + "_orders"] += new_order
            if reason != "kept":
                continue
            quantity = int(row[qty_i])
            amount = quantity * cents(row[price_i]) - (cents(row[disc_i]) if row[disc_i] else 0)
            product = row[sku_i] if row[sku_i] != "" else row[lname_i]
            yield order, row[email_i], row[created_i][:10], product, quantity, amount


def plain_lines(path):
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield (r["order_id"], r["customer_id"], r["order_date"], r["product_id"],
                   int(r["quantity"]), cents(r["amount"]))


def money(c):
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def one_to_one(kind, a_to_b, b_to_a, a, b, where):
    if a_to_b.setdefault(a, b) != b or b_to_a.setdefault(b, a) != a:
        raise ValueError(f"{where}: {kind} {a!r} ~ {b!r} breaks the one-to-one correspondence")


def check(directory):
    counts = {f"{r}_{k}": 0 for r in ("kept", "cancelled", "guest") for k in ("rows", "orders")}
    plain_path, shop_path = f"{directory}/orders.csv", f"{directory}/orders-shopify.csv"
    shop = preset_lines(shop_path, counts)
    orders, orders_back, products, products_back = {}, {}, {}, {}
    plain_sum = shop_sum = lines = 0
    for n, p in enumerate(plain_lines(plain_path), start=2):
        where = f"{plain_path}:{n}"
        s = next(shop, None)
        if s is None:
            raise ValueError(f"{where}: {shop_path} has no more kept lines")
        one_to_one("order", orders, orders_back, p[0], s[0], where)
        if s[1] != p[1].lower() + "@example.com":
            raise ValueError(f"{where}: customer {p[1]} but email {s[1]!r}")
        one_to_one("product", products, products_back, p[3], s[3], where)
        if (p[2], p[4], p[5]) != (s[2], s[4], s[5]):
            raise ValueError(f"{where}: date, quantity, amount {p[2]} {p[4]} {money(p[5])} "
                             f"but {s[2]} {s[4]} {money(s[5])} in order {s[0]}")
        plain_sum += p[5]
        shop_sum += s[5]
        lines += 1
    extra = next(shop, None)
    if extra is not None:
        raise ValueError(f"{shop_path} has kept lines beyond the plain file's, from order {extra[0]}")
    by_name = sum(1 for p, s in products.items() if p != s)
    print(f"plain   {plain_path}: {lines} lines, {len(orders)} orders, amounts {money(plain_sum)}")
    print(f"shopify {shop_path}: {sum(v for k, v in counts.items() if k.endswith('_rows'))} rows; "
          f"kept {counts['kept_rows']} rows of {counts['kept_orders']} orders, amounts "
          f"{money(shop_sum)}; left out {counts['cancelled_rows']} rows of "
          f"{counts['cancelled_orders']} refunded/voided orders and {counts['guest_rows']} rows "
          f"of {counts['guest_orders']} guest orders")
    print(f"equal: every kept line is the plain file's line ({len(products)} products, "
          f"{by_name} named by Lineitem name)")


def to_plain(path):
    counts = {f"{r}_{k}": 0 for r in ("kept", "cancelled", "guest") for k in ("rows", "orders")}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["order_id", "customer_id", "order_date", "product_id", "quantity", "amount"])
    for order, customer, date, product, quantity, amount in preset_lines(path, counts):
        out.writerow([order, customer, date, product, quantity, money(amount)])


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        check(argv[2])
    elif len(argv) == 3 and argv[1] == "plain":
        to_plain(argv[2])
    else:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except ValueError as e:
        print(f"shopify_check: DIFFERENT: {e}", file=sys.stderr)
        sys.exit(1)
