-- `xsell pairs`: association rules, from the README's `pairs` section (mlxtend's definitions).
-- Needs schema.sql, `win` and `opt`. A basket is an order (or a customer); only purchase lines
-- dated in the window count; an item (product, or category with an empty cell as `(none)`) is
-- in a basket once. N = baskets with a purchase line. A basket with more than max_basket items
-- counts in N and in its items' counts but adds no pairs. `run` formats the numbers (6 decimals)
-- and keeps the first --top rules.
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
SELECT p.a AS antecedent, p.c AS consequent, p.cnt AS count,
    p.cnt * 1.0 / n.n AS support,
    p.cnt * 1.0 / ia.c AS confidence,
    (p.cnt * 1.0 / ia.c) / (ic.c * 1.0 / n.n) AS lift,
    p.cnt * 1.0 / n.n - (ia.c * 1.0 / n.n) * (ic.c * 1.0 / n.n) AS leverage,
    -- (1 - support(C)) / (1 - confidence); null when confidence is 1.
    CASE WHEN p.cnt = ia.c THEN NULL
         ELSE (1 - ic.c * 1.0 / n.n) / (1 - p.cnt * 1.0 / ia.c) END AS conviction
FROM pair p
CROSS JOIN n
JOIN item_count ia ON ia.item = p.a
JOIN item_count ic ON ic.item = p.c
-- By lift (count * N / (count_a * count_c), compared exactly as integer products), then count,
-- both highest first, then antecedent, then consequent.
ORDER BY p.cnt * n.n * 1.0 / (ia.c * ic.c) DESC, p.cnt DESC, p.a, p.c;
