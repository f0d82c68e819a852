"""Numbers as xsell's CSV and JSON write a ratio, for the oracles (tests/oracle/run and
fixtures/exports/expected.py): an exact fraction rounded once to the nearest 64-bit float, then
the shortest text that reads back to that float.

The digits are Python's repr's (the shortest that round-trip, David Gay's algorithm); the
notation is xsell's, as its README states it: positional from 1e-5 up to 1e16, an exponent
outside (2.5e-7, 1e16, no "+" and no leading zero in it, unlike repr's 2.5e-07 and 1e+16), a
whole number without ".0", and zero as 0 whatever its sign.
"""

from decimal import Decimal
from fractions import Fraction


def nearest(fraction):
    """The 64-bit float nearest an exact Fraction (Python rounds the division once)."""
    return float(Fraction(fraction))


def shortest(x):
    """The text of float x; "" for None (n/a)."""
    if x is None:
        return ""
    x = float(x)
    if x == 0:
        return "0"
    digits = Decimal(repr(x))  # exactly the decimal that repr printed
    if 1e-5 <= abs(x) < 1e16:
        text = format(digits, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    sign, figures, exponent = digits.normalize().as_tuple()
    figures = "".join(map(str, figures))
    mantissa = figures[0] + ("." + figures[1:] if len(figures) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{exponent + len(figures) - 1}"


def ratio(numerator, denominator):
    """numerator / denominator (exact numbers: ints, Decimals, Fractions) as xsell writes it;
    "" when the denominator is 0 or None (n/a)."""
    if denominator is None or numerator is None or denominator == 0:
        return ""
    return shortest(nearest(Fraction(numerator) / Fraction(denominator)))


if __name__ == "__main__":
    # The cases of xsell's src/output/shortest.rs, checked against the same texts.
    cases = [(1 / 3, "0.3333333333333333"), (1 / 7, "0.14285714285714285"), (0.1, "0.1"),
             (1.0, "1"), (-3.0, "-3"), (0.0, "0"), (-0.0, "0"), (1e-5, "0.00001"),
             (9.999999999999999e-6, "9.999999999999999e-6"),
             (1 / 3_000_000, "3.3333333333333335e-7"), (-2.5e-7, "-2.5e-7"), (1e16, "1e16"),
             (9999999999999998.0, "9999999999999998"), (1.5e300, "1.5e300"),
             (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e308")]
    for value, text in cases:
        assert shortest(value) == text, (value, shortest(value), text)
        assert float(text) == value
    assert ratio(1, 3) == "0.3333333333333333" and ratio(5, 0) == ""
    assert ratio(Decimal("491912.49"), 1630) == "301.7868036809816"
    print(f"shortest.py: {len(cases) + 2} cases as xsell writes them")
