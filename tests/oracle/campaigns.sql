-- The campaign metrics of tests/it/cli.rs, per campaign and for `all`, from the README's metric
-- table. Needs schema.sql (with `campaigns`), `win` and `opt`. One row per metric and group:
-- (metric, grp, num, den, money); num NULL or den NULL: unknown (n/a); `money`: 0 counts, 1 num
-- and den in cents, 2 num in cents. Order lines attributed to a campaign that campaigns.csv lacks are left out.
WITH
-- Purchase lines in the window attributed to a listed campaign.
attributed AS (
    SELECT l.* FROM purchase l
    JOIN campaigns c ON c.campaign_id = l.campaign_id
    JOIN win ON l.d BETWEEN win.d0 AND win.d1
),
-- campaign-cross-sell: a customer with a purchase line attributed to the campaign, in the window,
-- dated d, of an item (product; category under --level category) they had not bought before d,
-- who had a purchase line before d.
cross_sold AS (
    SELECT DISTINCT a.campaign_id, a.customer_id
    FROM attributed a
    WHERE EXISTS (SELECT 1 FROM purchase h WHERE h.customer_id = a.customer_id AND h.d < a.d)
      AND NOT EXISTS (
          SELECT 1 FROM purchase h
          WHERE h.customer_id = a.customer_id AND h.d < a.d
            AND CASE (SELECT level FROM opt) WHEN 'category' THEN h.category = a.category
                                             ELSE h.product_id = a.product_id END)
),
-- Net revenue (every line, returns included) attributed to each campaign in the window.
revenue AS (
    SELECT l.campaign_id, sum(l.amount) AS cents
    FROM lines l JOIN win ON l.d BETWEEN win.d0 AND win.d1
    GROUP BY l.campaign_id
),
-- Distinct customers with a purchase line attributed to the campaign in the window.
buyers AS (
    SELECT campaign_id, count(DISTINCT customer_id) AS n FROM attributed GROUP BY campaign_id
),
-- A new customer of a campaign: their first order date (earliest purchase line, all history)
-- is in the window, and they have a purchase line attributed to the campaign on that date.
first_order AS (SELECT customer_id, min(d) AS d FROM purchase GROUP BY customer_id),
new_customer AS (
    SELECT DISTINCT a.campaign_id, a.customer_id
    FROM attributed a JOIN first_order f ON f.customer_id = a.customer_id AND f.d = a.d
),
per_campaign AS (
    SELECT c.*,
        (SELECT count(*) FROM cross_sold x WHERE x.campaign_id = c.campaign_id) AS cross_sold,
        coalesce(c.conversions, (SELECT n FROM buyers b WHERE b.campaign_id = c.campaign_id), 0)
            AS converted,
        coalesce((SELECT cents FROM revenue r WHERE r.campaign_id = c.campaign_id), 0) AS revenue,
        (SELECT count(*) FROM new_customer n WHERE n.campaign_id = c.campaign_id) AS new_customers
    FROM campaigns c
)
SELECT 'campaign-cross-sell' AS metric, campaign_id AS grp, cross_sold AS num, targeted AS den, 0 AS money
FROM per_campaign
UNION ALL
SELECT 'campaign-cross-sell', 'all', (SELECT count(DISTINCT customer_id) FROM cross_sold),
    sum(targeted), 0 FROM per_campaign
UNION ALL
SELECT 'ctr', campaign_id, clicks, impressions, 0 FROM per_campaign
UNION ALL
-- all: the campaigns whose clicks and impressions are both known.
SELECT 'ctr', 'all', sum(clicks), sum(impressions), 0 FROM per_campaign
WHERE clicks IS NOT NULL AND impressions IS NOT NULL
UNION ALL
SELECT 'conversion', campaign_id, converted, impressions, 0 FROM per_campaign
UNION ALL
SELECT 'conversion', 'all', sum(converted), sum(impressions), 0 FROM per_campaign
WHERE impressions IS NOT NULL
UNION ALL
-- roi: (net revenue attributed in the window - cost) / cost; all from the sums.
SELECT 'roi', campaign_id, revenue - cost, cost, 1 FROM per_campaign
UNION ALL
SELECT 'roi', 'all', sum(revenue) - sum(cost), sum(cost), 1 FROM per_campaign WHERE cost IS NOT NULL
UNION ALL
-- cac: cost / new customers; all: sum of cost / distinct new customers over all campaigns.
SELECT 'cac', campaign_id, cost, new_customers, 2 FROM per_campaign
UNION ALL
SELECT 'cac', 'all', sum(cost), (SELECT count(DISTINCT customer_id) FROM new_customer), 2
FROM per_campaign WHERE cost IS NOT NULL;
