-- The events table both sides read: one row per event, the member as an
-- integer (qun interns member IDs the same way), the event name as an ENUM
-- (DuckDB's dictionary type for a small set of strings) and the time as a
-- TIMESTAMP (microseconds, as qun keeps them).
CREATE TYPE event_name AS ENUM ('visit', 'join', 'first_post', 'check_in', 'purchase', 'like', 'share');
CREATE TABLE events (member UINTEGER NOT NULL, name event_name NOT NULL, ts TIMESTAMP NOT NULL);
