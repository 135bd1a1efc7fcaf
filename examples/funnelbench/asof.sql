-- The benchmark funnel as a chain of ASOF joins, the way DuckDB's guide
-- suggests for "the next event after this one"
-- (duckdb.org/docs/guides/sql_features/asof_join).
--
-- Every visit opens an attempt; attempt_k extends each attempt that
-- completed step k-1 with its member's first step-k event at or after
-- that step (ASOF with >= takes the nearest; events at one instant may
-- complete consecutive steps), and keeps it if it is within 7 days of the
-- attempt's visit, the end included. Taking the nearest event is never
-- worse: it leaves the most room for the steps after. Step k counts the
-- members with an attempt in attempt_k, so each member counts at their
-- best attempt, as ClickHouse's windowFunnel and PostHog do.
WITH
attempt1 AS MATERIALIZED (
    SELECT member, ts AS entry, ts FROM events WHERE name = 'visit'
),
attempt2 AS MATERIALIZED (
    SELECT a.member, a.entry, e.ts
    FROM attempt1 a ASOF JOIN (SELECT member, ts FROM events WHERE name = 'join') e
        ON e.member = a.member AND e.ts >= a.ts
    WHERE e.ts <= a.entry + INTERVAL 7 DAY
),
attempt3 AS MATERIALIZED (
    SELECT a.member, a.entry, e.ts
    FROM attempt2 a ASOF JOIN (SELECT member, ts FROM events WHERE name = 'first_post') e
        ON e.member = a.member AND e.ts >= a.ts
    WHERE e.ts <= a.entry + INTERVAL 7 DAY
),
attempt4 AS MATERIALIZED (
    SELECT a.member, a.entry, e.ts
    FROM attempt3 a ASOF JOIN (SELECT member, ts FROM events WHERE name = 'check_in') e
        ON e.member = a.member AND e.ts >= a.ts
    WHERE e.ts <= a.entry + INTERVAL 7 DAY
),
attempt5 AS MATERIALIZED (
    SELECT a.member, a.entry, e.ts
    FROM attempt4 a ASOF JOIN (SELECT member, ts FROM events WHERE name = 'purchase') e
        ON e.member = a.member AND e.ts >= a.ts
    WHERE e.ts <= a.entry + INTERVAL 7 DAY
)
SELECT
    (SELECT count(DISTINCT member) FROM attempt1) AS visit,
    (SELECT count(DISTINCT member) FROM attempt2) AS joined,
    (SELECT count(DISTINCT member) FROM attempt3) AS first_post,
    (SELECT count(DISTINCT member) FROM attempt4) AS check_in,
    (SELECT count(DISTINCT member) FROM attempt5) AS purchase;
