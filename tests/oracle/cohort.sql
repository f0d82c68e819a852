-- `xsell cohort`, from the README's `cohort` section. Needs schema.sql, `win`, and `unit` (the
-- calendar months of the window). A customer's cohort is the month of their first order over
-- all history (their earliest purchase line); its size counts all its customers. Cell
-- (cohort, +k): the cohort's customers with a purchase line in the month k after the cohort's /
-- size, or (revenue) the cohort customers' net revenue in that month (every line, returns
-- included) / size. A cohort is listed when one of its customers has a purchase line in the
-- window; its cells run from its month (or the window's first) to the window's last month.
WITH first AS (
    SELECT customer_id, substr(min(d), 1, 7) AS cohort FROM purchase GROUP BY customer_id
),
size AS (SELECT cohort, count(*) AS n FROM first GROUP BY cohort),
listed AS (
    SELECT DISTINCT f.cohort FROM first f
    JOIN purchase l ON l.customer_id = f.customer_id
    JOIN win ON l.d BETWEEN win.d0 AND win.d1
),
cell AS (
    SELECT c.cohort, u.label AS period, u.p0, u.p1,
        (CAST(substr(u.label, 1, 4) AS INTEGER) * 12 + CAST(substr(u.label, 6, 2) AS INTEGER))
          - (CAST(substr(c.cohort, 1, 4) AS INTEGER) * 12 + CAST(substr(c.cohort, 6, 2) AS INTEGER))
          AS k
    FROM listed c JOIN unit u ON u.label >= c.cohort
)
SELECT x.cohort, x.k, x.period,
    (SELECT count(DISTINCT l.customer_id) FROM purchase l JOIN first f ON f.customer_id = l.customer_id
        WHERE f.cohort = x.cohort AND l.d BETWEEN x.p0 AND x.p1) AS customers,
    (SELECT coalesce(sum(l.amount), 0) FROM lines l JOIN first f ON f.customer_id = l.customer_id
        WHERE f.cohort = x.cohort AND l.d BETWEEN x.p0 AND x.p1) AS revenue,
    s.n AS size
FROM cell x JOIN size s ON s.cohort = x.cohort
ORDER BY x.cohort, x.k;
