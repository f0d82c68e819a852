-- The oracle's tables and the views every query shares. Written from the definitions of the
-- README ("Definitions", "Metrics", "Slicing", `pairs`, `cohort`), not from xsell's code or
-- output. `run` loads fixtures/orders.csv into `lines` and fills the scenario tables before
-- each query.

-- One row per order line of fixtures/orders.csv; amounts in integer cents (the file has two
-- decimals everywhere; `run` refuses any other amount).
CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    d TEXT NOT NULL,            -- order_date, YYYY-MM-DD
    product_id TEXT NOT NULL,
    category TEXT NOT NULL,
    amount INTEGER NOT NULL,    -- cents; > 0 a purchase line, < 0 a return line
    channel TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    segment TEXT NOT NULL,
    loyalty TEXT NOT NULL
);
CREATE INDEX lines_history ON lines (customer_id, d, category);

-- One row per campaign of fixtures/campaigns.csv; an empty cell is NULL (unknown).
CREATE TABLE campaigns (
    campaign_id TEXT PRIMARY KEY,
    cost INTEGER,               -- cents
    impressions INTEGER,
    clicks INTEGER,
    targeted INTEGER,
    conversions INTEGER
);

-- ==== Scenario: filled by `run` for each scenario ====

-- The window: --from..--to, or the data's first to last date.
CREATE TABLE win (d0 TEXT NOT NULL, d1 TEXT NOT NULL);
-- The periods measured, each a window of its own (clipped to the window): one row with an
-- empty label when there is no --period.
CREATE TABLE per (pos INTEGER PRIMARY KEY, label TEXT NOT NULL, p0 TEXT NOT NULL, p1 TEXT NOT NULL);
-- Retention's unit: the --period periods, else the calendar months of the window (clipped).
CREATE TABLE unit (pos INTEGER PRIMARY KEY, label TEXT NOT NULL, p0 TEXT NOT NULL, p1 TEXT NOT NULL);
-- The --by dimensions in order (pos 1, 2, ...): segment, loyalty, channel, category, campaign.
CREATE TABLE dims (pos INTEGER PRIMARY KEY, dim TEXT NOT NULL);
-- The item of cross-sell: 'product' or 'category' (--level, or --by category).
-- The basket of pairs: 'order' or 'customer'; max_basket: --max-basket.
CREATE TABLE opt (level TEXT NOT NULL, basket TEXT NOT NULL, max_basket INTEGER NOT NULL);

-- ==== Customers ====

-- Purchase lines (amount > 0): the only lines that buy something or make an order count.
CREATE VIEW purchase AS SELECT * FROM lines WHERE amount > 0;

-- A customer's segment: the segment on their earliest-dated line; ties: the smallest value.
CREATE VIEW customer_segment AS
SELECT l.customer_id, min(l.segment) AS segment
FROM lines l
WHERE l.d = (SELECT min(m.d) FROM lines m WHERE m.customer_id = l.customer_id)
GROUP BY l.customer_id;

-- A loyalty member: any of the customer's lines says true (true/1/yes).
CREATE VIEW customer_member AS
SELECT customer_id, max(lower(trim(loyalty)) IN ('true', '1', 'yes')) AS member
FROM lines GROUP BY customer_id;

-- ==== Groups ====

-- Each line's label part per dimension: (none) for an empty value; a value holding `/` or a
-- quote, or reading like a label xsell makes, quoted with inner quotes doubled.
CREATE VIEW line_parts AS
WITH raw AS (
    SELECT l.id, d.pos, d.dim,
        CASE d.dim
            WHEN 'segment' THEN cs.segment
            WHEN 'channel' THEN l.channel
            WHEN 'category' THEN l.category
            WHEN 'campaign' THEN l.campaign_id
        END AS v,
        cm.member
    FROM lines l
    CROSS JOIN dims d
    JOIN customer_segment cs ON cs.customer_id = l.customer_id
    JOIN customer_member cm ON cm.customer_id = l.customer_id
)
SELECT id, pos, dim,
    CASE
        WHEN dim = 'loyalty' THEN CASE member WHEN 1 THEN 'member' ELSE 'non-member' END
        WHEN v = '' THEN '(none)'
        WHEN instr(v, '/') > 0 OR instr(v, '"') > 0 OR v IN ('(none)', '(unknown)', 'all')
            THEN '"' || replace(v, '"', '""') || '"'
        ELSE v
    END AS part
FROM raw;

-- Every line in the `all` scope (dimension empty) and in its group's scope (dimension = the
-- dimensions joined by `/`, grp = the parts joined by `/`; up to three dimensions).
CREATE VIEW scoped AS
SELECT id, '' AS dimension, 'all' AS grp FROM lines
UNION ALL
SELECT id,
    max(CASE pos WHEN 1 THEN dim END)
        || coalesce('/' || max(CASE pos WHEN 2 THEN dim END), '')
        || coalesce('/' || max(CASE pos WHEN 3 THEN dim END), ''),
    max(CASE pos WHEN 1 THEN part END)
        || coalesce('/' || max(CASE pos WHEN 2 THEN part END), '')
        || coalesce('/' || max(CASE pos WHEN 3 THEN part END), '')
FROM line_parts
GROUP BY id;

-- Whether the loyalty dimension splits the groups (then loyalty-cross-sell measures each
-- group's own customers, members or not).
CREATE VIEW by_loyalty AS SELECT EXISTS (SELECT 1 FROM dims WHERE dim = 'loyalty') AS yes;
