-- The benchmark funnel, visit → join → first_post → check_in → purchase,
-- ordered, within 7 days of the first step, written as a sequence of joins:
-- the formulation the benchmark times, the fastest of the three here.
--
-- reach_k holds every step-k event that completes steps 1..k of some
-- attempt, with the latest entry (the time of the attempt's visit) among
-- the attempts it completes. A step-k event joins its member's reach_(k-1)
-- rows at or before it (events at one instant may complete consecutive
-- steps), keeps the latest of their entries, and stays if it is within 7
-- days of that entry, the end included. The latest entry is the one to
-- keep: it leaves the most room for the steps after. Step k counts the
-- members with a reach_k row.
--
-- The pattern is the join-and-max that DuckDB's maintainers give for an
-- as-of lookup in plain SQL (github.com/duckdb/duckdb/discussions/3207,
-- "arg_max ... FROM trades, prices WHERE ... GROUP BY"). It is quadratic in
-- the events of one member; on members with long histories the ASOF form
-- (asof.sql) is the safer choice.
WITH
reach2 AS MATERIALIZED (
    SELECT e.member, e.ts, max(s.ts) AS entry
    FROM events e JOIN events s ON s.member = e.member AND s.ts <= e.ts
    WHERE e.name = 'join' AND s.name = 'visit'
    GROUP BY e.member, e.ts
    HAVING e.ts <= max(s.ts) + INTERVAL 7 DAY
),
reach3 AS MATERIALIZED (
    SELECT e.member, e.ts, max(s.entry) AS entry
    FROM events e JOIN reach2 s ON s.member = e.member AND s.ts <= e.ts
    WHERE e.name = 'first_post'
    GROUP BY e.member, e.ts
    HAVING e.ts <= max(s.entry) + INTERVAL 7 DAY
),
reach4 AS MATERIALIZED (
    SELECT e.member, e.ts, max(s.entry) AS entry
    FROM events e JOIN reach3 s ON s.member = e.member AND s.ts <= e.ts
    WHERE e.name = 'check_in'
    GROUP BY e.member, e.ts
    HAVING e.ts <= max(s.entry) + INTERVAL 7 DAY
),
reach5 AS MATERIALIZED (
    SELECT e.member, e.ts, max(s.entry) AS entry
    FROM events e JOIN reach4 s ON s.member = e.member AND s.ts <= e.ts
    WHERE e.name = 'purchase'
    GROUP BY e.member, e.ts
    HAVING e.ts <= max(s.entry) + INTERVAL 7 DAY
)
SELECT
    (SELECT count(DISTINCT member) FROM events WHERE name = 'visit') AS visit,
    (SELECT count(DISTINCT member) FROM reach2) AS joined,
    (SELECT count(DISTINCT member) FROM reach3) AS first_post,
    (SELECT count(DISTINCT member) FROM reach4) AS check_in,
    (SELECT count(DISTINCT member) FROM reach5) AS purchase;
