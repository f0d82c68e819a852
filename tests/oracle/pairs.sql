-- `xsell pairs`: association rules, from the README's `pairs` section (mlxtend's definitions).
-- Needs schema.sql, `win` and `opt`. A basket is an order (or a customer); only purchase lines
-- dated in the window count; an item (product, or category with an empty cell as `(none)`) is
-- in a basket once. N = baskets with a purchase line. A basket with more than max_basket items
-- counts in N and in its items' counts but adds no pairs. Each rule comes with its four counts;
-- `run` computes the measures from them in exact fractions and keeps the first --top rules.
WITH basket_item AS (
    SELECT DISTINCT
        CASE (SELECT basket FROM opt) WHEN 'customer' THEN l.customer_id ELSE l.order_id END AS b,
        CASE (SELECT level FROM opt)
            WHEN 'category' THEN CASE l.category WHEN '' THEN '(none)' ELSE l.category END
            ELSE l.product_id END AS item
    FROM purchase l JOIN win ON l.d BETWEEN win.d0 AND win.d1
),
n AS (SELECT count(DISTINCT b) AS n FROM basket_item),
item_count AS (SELECT item, count(*) AS c FROM basket_item GROUP BY item),
small AS (
    SELECT b FROM basket_item GROUP BY b HAVING count(*) <= (SELECT max_basket FROM opt)
),
pair AS (
    SELECT x.item AS a, y.item AS c, count(*) AS cnt
    FROM basket_item x JOIN basket_item y ON y.b = x.b AND y.item <> x.item
    WHERE x.b IN (SELECT b FROM small)
    GROUP BY x.item, y.item
)
-- The measures (support, confidence, lift, leverage, conviction) are computed by `run` from
-- these counts: support = count / N, confidence = count / count_a, and so on.
SELECT p.a AS antecedent, p.c AS consequent, p.cnt AS count, ia.c AS count_a, ic.c AS count_c,
    n.n AS baskets
FROM pair p
CROSS JOIN n
JOIN item_count ia ON ia.item = p.a
JOIN item_count ic ON ic.item = p.c
-- By lift (count * N / (count_a * count_c), compared exactly as integer products), then count,
-- both highest first, then antecedent, then consequent.
ORDER BY p.cnt * n.n * 1.0 / (ia.c * ic.c) DESC, p.cnt DESC, p.a, p.c;
