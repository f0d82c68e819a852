-- The compute metrics of tests/it/slicing.rs, per (group, period), from the README's metric
-- table and its slicing rules. Needs schema.sql and a filled scenario. One row per metric,
-- group and period: (metric, dimension, grp, period, pos, num, den, money); `money` = 1 when
-- num is in cents. `run` formats the values.
WITH
s AS MATERIALIZED (SELECT * FROM scoped),
-- The groups listed: all (always), and those with lines in the window.
g0 AS MATERIALIZED (
    SELECT '' AS dimension, 'all' AS grp
    UNION
    SELECT DISTINCT s.dimension, s.grp
    FROM s JOIN lines l ON l.id = s.id JOIN win ON l.d BETWEEN win.d0 AND win.d1
),
-- Every (group, period) a metric has a row for.
g AS MATERIALIZED (SELECT g0.*, p.label AS period, p.pos FROM g0 CROSS JOIN per p),
-- The lines measured in each (group, period): the group's lines dated in the period.
m AS MATERIALIZED (
    SELECT s.dimension, s.grp, p.label AS period, l.*
    FROM s JOIN lines l ON l.id = s.id JOIN per p ON l.d BETWEEN p.p0 AND p.p1
),
by_category AS (SELECT EXISTS (SELECT 1 FROM dims WHERE dim = 'category') AS yes),

-- cross-sell: customers with >= 2 distinct items among their purchase lines in the scope /
-- customers with >= 1. Items are products, or categories under --level category.
-- By category: the share of a category's buyers who bought in two categories or more over all
-- their lines (of the period), and the all row counts categories too.
cs_customer AS (
    SELECT dimension, grp, period, customer_id,
        count(DISTINCT CASE WHEN (SELECT level FROM opt) = 'category' OR (SELECT yes FROM by_category)
                            THEN category ELSE product_id END) AS items
    FROM m WHERE amount > 0
    GROUP BY dimension, grp, period, customer_id
),
wide AS (
    SELECT p.label AS period, l.customer_id, count(DISTINCT l.category) AS items
    FROM purchase l JOIN per p ON l.d BETWEEN p.p0 AND p.p1
    GROUP BY p.label, l.customer_id
),
cross_sell AS (
    SELECT c.dimension, c.grp, c.period,
        sum(CASE WHEN (SELECT yes FROM by_category) THEN w.items ELSE c.items END >= 2) AS num,
        count(*) AS den
    FROM cs_customer c LEFT JOIN wide w ON w.period = c.period AND w.customer_id = c.customer_id
    GROUP BY c.dimension, c.grp, c.period
),

-- repeat-rate: customers with >= 2 orders in the scope / customers with >= 1; an order is an
-- order_id with a purchase line in the scope.
orders_of AS (
    SELECT dimension, grp, period, customer_id, count(DISTINCT order_id) AS orders
    FROM m WHERE amount > 0
    GROUP BY dimension, grp, period, customer_id
),
repeat_rate AS (
    SELECT dimension, grp, period, sum(orders >= 2) AS num, count(*) AS den
    FROM orders_of GROUP BY dimension, grp, period
),

-- aov: net revenue (every line of the scope, returns included) / orders with a purchase line.
-- clv (historic): net revenue / customers with a purchase line.
revenue AS (
    SELECT dimension, grp, period, sum(amount) AS cents,
        count(DISTINCT CASE WHEN amount > 0 THEN order_id END) AS orders,
        count(DISTINCT CASE WHEN amount > 0 THEN customer_id END) AS customers
    FROM m GROUP BY dimension, grp, period
),

-- loyalty-cross-sell: cross-sell orders of loyalty members / all their orders in the scope
-- (an order: a purchase line in the scope). A cross-sell order holds a purchase line (in the
-- scope) of a category its customer had not bought on an earlier date, from a customer who had
-- bought something on an earlier date; history is every line of the file. The all row and the
-- groups are members only; under --by loyalty each group measures its own customers.
loyal_order AS (
    SELECT m.dimension, m.grp, m.period, m.order_id,
        max(NOT EXISTS (SELECT 1 FROM purchase h
                        WHERE h.customer_id = m.customer_id AND h.d < m.d AND h.category = m.category)
            AND EXISTS (SELECT 1 FROM purchase h WHERE h.customer_id = m.customer_id AND h.d < m.d))
            AS cross_sold
    FROM m JOIN customer_member cm ON cm.customer_id = m.customer_id
    WHERE m.amount > 0 AND (cm.member = 1 OR ((SELECT yes FROM by_loyalty) AND m.grp <> 'all'))
    GROUP BY m.dimension, m.grp, m.period, m.order_id
),
loyalty AS (
    SELECT dimension, grp, period, sum(cross_sold) AS num, count(*) AS den
    FROM loyal_order GROUP BY dimension, grp, period
),

-- retention: for each unit period P after the first (the --period periods, else the calendar
-- months of the window): the group's customers with an order in both P-1 and P / those with an
-- order in P-1. Then a pooled row (empty period): sums of numerators and denominators.
ordered AS MATERIALIZED (
    SELECT DISTINCT s.dimension, s.grp, u.pos, l.customer_id
    FROM s JOIN purchase l ON l.id = s.id JOIN unit u ON l.d BETWEEN u.p0 AND u.p1
),
kept AS (
    SELECT a.dimension, a.grp, a.pos + 1 AS pos, count(b.customer_id) AS num, count(*) AS den
    FROM ordered a
    LEFT JOIN ordered b ON b.dimension = a.dimension AND b.grp = a.grp AND b.pos = a.pos + 1
        AND b.customer_id = a.customer_id
    GROUP BY a.dimension, a.grp, a.pos
),
retention AS (
    SELECT g0.dimension, g0.grp, u.label AS period, u.pos,
        coalesce(k.num, 0) AS num, coalesce(k.den, 0) AS den
    FROM g0 CROSS JOIN unit u
    LEFT JOIN kept k ON k.dimension = g0.dimension AND k.grp = g0.grp AND k.pos = u.pos
    WHERE u.pos > (SELECT min(pos) FROM unit)
)

SELECT 'cross-sell', g.dimension, g.grp, g.period, g.pos, coalesce(x.num, 0), coalesce(x.den, 0), 0
FROM g LEFT JOIN cross_sell x ON (x.dimension, x.grp, x.period) = (g.dimension, g.grp, g.period)
UNION ALL
SELECT 'repeat-rate', g.dimension, g.grp, g.period, g.pos, coalesce(x.num, 0), coalesce(x.den, 0), 0
FROM g LEFT JOIN repeat_rate x ON (x.dimension, x.grp, x.period) = (g.dimension, g.grp, g.period)
UNION ALL
SELECT 'aov', g.dimension, g.grp, g.period, g.pos, coalesce(x.cents, 0), coalesce(x.orders, 0), 1
FROM g LEFT JOIN revenue x ON (x.dimension, x.grp, x.period) = (g.dimension, g.grp, g.period)
UNION ALL
SELECT 'clv', g.dimension, g.grp, g.period, g.pos, coalesce(x.cents, 0), coalesce(x.customers, 0), 1
FROM g LEFT JOIN revenue x ON (x.dimension, x.grp, x.period) = (g.dimension, g.grp, g.period)
UNION ALL
SELECT 'loyalty-cross-sell', g.dimension, g.grp, g.period, g.pos, coalesce(x.num, 0), coalesce(x.den, 0), 0
FROM g LEFT JOIN loyalty x ON (x.dimension, x.grp, x.period) = (g.dimension, g.grp, g.period)
UNION ALL
SELECT 'retention', dimension, grp, period, pos, num, den, 0 FROM retention
UNION ALL
SELECT 'retention', dimension, grp, '', -1, sum(num), sum(den), 0 FROM retention GROUP BY dimension, grp;
