-- bench/report.sql - the grouped report of the report part of bench/run,
-- written by hand for sqlite3:
--
--   csm-report -m frt,resolution --by category,month -o csv --until UNTIL
--
-- with [core] timezone = UTC (months of created_at in UTC), the until
-- being the one in unixepoch() below, which bench/run reads from here:
--
--   sqlite3 DB <bench/report.sql
--
-- The cohort: the tickets not merged into another, created before the
-- until.  Per category and month of creation, for each of the two
-- times (seconds):
--   frt         first_response_at - created_at, where there is one;
--   resolution  resolved_at - created_at of the resolved and closed
--               tickets with a resolved_at;
-- the count, the mean rounded half away from zero (round()), the p50 and
-- p90 by nearest rank (ascending, the value at 1-based rank ceil(p * n):
-- (n + 1) / 2 and (9 * n + 9) / 10 in integers) and the maximum; empty
-- fields when the count is 0.  CSV with a header, "\n" line ends, the
-- rows in the order of the groups (NULL first, then byte order).
--
-- The CSV is made here, not by .mode csv, which quotes every field with
-- a byte over 0x7f (支付失败 as "支付失败"): a field is quoted only if it
-- holds a comma, a quote, CR or LF (RFC 4180, as csm writes it), and NULL
-- is an empty field.
--
-- sqlite3's default settings: those of csm's store (lib/store.c), a 32 MB
-- page cache and temp_store = MEMORY, make the window sorts twice as slow
-- here (SQLite 3.40, a million tickets).

.headers on
.mode list
.separator , "\n"
.nullvalue ''

WITH cohort AS (
  SELECT category,
         strftime('%Y-%m', created_at, 'unixepoch') AS month,
         first_response_at - created_at AS frt,
         CASE WHEN status IN ('resolved', 'closed')
              THEN resolved_at - created_at END AS resolution
    FROM tickets
   WHERE merged_into IS NULL
     AND created_at < unixepoch('2027-01-01T00:00:00Z')
),
-- Each time with its rank in its group and the group's count, from one
-- sort of the group's times (the count's frame is the whole group).
frt AS (
  SELECT category, month, frt AS v, row_number() OVER w AS k,
         count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                        AND UNBOUNDED FOLLOWING) AS n
    FROM cohort WHERE frt IS NOT NULL
  WINDOW w AS (PARTITION BY category, month ORDER BY frt)
),
resolution AS (
  SELECT category, month, resolution AS v, row_number() OVER w AS k,
         count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                        AND UNBOUNDED FOLLOWING) AS n
    FROM cohort WHERE resolution IS NOT NULL
  WINDOW w AS (PARTITION BY category, month ORDER BY resolution)
),
-- The five figures of each group.
frt_stats AS (
  SELECT category, month, count(*) AS count,
         CAST(round(avg(v)) AS INTEGER) AS mean,
         max(CASE WHEN k = (n + 1) / 2 THEN v END) AS p50,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN v END) AS p90,
         max(v) AS max
    FROM frt GROUP BY category, month
),
resolution_stats AS (
  SELECT category, month, count(*) AS count,
         CAST(round(avg(v)) AS INTEGER) AS mean,
         max(CASE WHEN k = (n + 1) / 2 THEN v END) AS p50,
         max(CASE WHEN k = (9 * n + 9) / 10 THEN v END) AS p90,
         max(v) AS max
    FROM resolution GROUP BY category, month
),
-- Every group of the cohort, also one with no time of either kind.
groups AS (
  SELECT DISTINCT category, month FROM cohort
)
SELECT CASE WHEN g.category GLOB ('*[,"' || char(13, 10) || ']*')
            THEN '"' || replace(g.category, '"', '""') || '"'
            ELSE g.category END AS category,
       g.month,
       coalesce(f.count, 0) AS frt_count, f.mean AS frt_mean,
       f.p50 AS frt_p50, f.p90 AS frt_p90, f.max AS frt_max,
       coalesce(r.count, 0) AS resolution_count,
       r.mean AS resolution_mean, r.p50 AS resolution_p50,
       r.p90 AS resolution_p90, r.max AS resolution_max
  FROM groups g
  LEFT JOIN frt_stats f ON f.category IS g.category AND f.month = g.month
  LEFT JOIN resolution_stats r
    ON r.category IS g.category AND r.month = g.month
 ORDER BY g.category, g.month;
