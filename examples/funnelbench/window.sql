-- The benchmark funnel with window functions: each step's timestamps
-- carried along a member's events in time order, as PostHog's SQL funnels
-- did before their UDF (PostHog/posthog ee/clickhouse/queries/funnels/
-- base.py, get_partition_cols: "min(latest_i) over (PARTITION by
-- person_id ORDER BY timestamp DESC ...)"). PostHog carries the next time
-- of each step forward from a visit; this carries the entry (the visit's
-- time) forward to each step instead, one window per step.
--
-- entry_k is, at each event, the latest entry among the attempts that
-- completed step k at or before it (the RANGE frame takes the events at
-- the same instant too: they may complete consecutive steps). A step-k
-- event completes step k of such an attempt when it is within 7 days of
-- entry_(k-1), the end included; the latest entry is the one to keep, as
-- it leaves the most room for the steps after.
WITH
steps AS (
    SELECT member, ts, name FROM events
    WHERE name IN ('visit', 'join', 'first_post', 'check_in', 'purchase')
),
e1 AS (
    SELECT *, max(CASE WHEN name = 'visit' THEN ts END) OVER w AS entry1
    FROM steps
    WINDOW w AS (PARTITION BY member ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
e2 AS (
    SELECT *, max(CASE WHEN name = 'join' AND ts <= entry1 + INTERVAL 7 DAY THEN entry1 END) OVER w AS entry2
    FROM e1
    WINDOW w AS (PARTITION BY member ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
e3 AS (
    SELECT *, max(CASE WHEN name = 'first_post' AND ts <= entry2 + INTERVAL 7 DAY THEN entry2 END) OVER w AS entry3
    FROM e2
    WINDOW w AS (PARTITION BY member ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
e4 AS (
    SELECT *, max(CASE WHEN name = 'check_in' AND ts <= entry3 + INTERVAL 7 DAY THEN entry3 END) OVER w AS entry4
    FROM e3
    WINDOW w AS (PARTITION BY member ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT
    count(DISTINCT member) FILTER (WHERE name = 'visit') AS visit,
    count(DISTINCT member) FILTER (WHERE name = 'join' AND ts <= entry1 + INTERVAL 7 DAY) AS joined,
    count(DISTINCT member) FILTER (WHERE name = 'first_post' AND ts <= entry2 + INTERVAL 7 DAY) AS first_post,
    count(DISTINCT member) FILTER (WHERE name = 'check_in' AND ts <= entry3 + INTERVAL 7 DAY) AS check_in,
    count(DISTINCT member) FILTER (WHERE name = 'purchase' AND ts <= entry4 + INTERVAL 7 DAY) AS purchase
FROM e4;
