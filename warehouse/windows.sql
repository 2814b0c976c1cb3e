-- Roll-ups over time (SPEC §3): for every province and the nation, every catalog and
-- derived indicator, over the windows that end with a month: the month itself, its
-- quarter so far, the year to date and the twelve months to it.
--
-- Inputs (registered by warehouse/windows.py):
--   base     the month rows of every month involved: period, unit_code, unit_level,
--            indicator, value, n_reporting, n_expected, numerator, denominator (the
--            sums a derived row is the ratio of), mapped_share (for a month before the
--            July 2025 reform: the share of the figure from old communes with one
--            certain successor; null after it)
--   kinds    indicator, kind ('flow' | 'stock'), is_ratio; a ratio has the kind of its
--            numerator, and the reporting rates count reports: flows
--   spans    period, window, month: the months of each window, for the target months
--            and for the months they are compared with
--   targets  period, prev_period, yoy_period: the months to compute, and for each the
--            month before and the same month of the year before
--
-- Flows add up over the window's months; a stock is its last reported value in the
-- window, with the month it came from (DHIS2's LAST); a ratio is recomputed from the
-- numerators and denominators summed over the window (for a stock ratio, those of the
-- month its stocks come from), never averaged over months or units. n_reporting and
-- n_expected count reports (commune-months) over the window; for a stock, those of
-- its month. n_months says how many of the window's months the warehouse has.

WITH
rows_in AS (
    SELECT s.period, s."window", b.period AS month, b.unit_code, b.unit_level, b.indicator,
           b.value, b.n_reporting, b.n_expected, b.numerator, b.denominator,
           b.mapped_share, coalesce(b.numerator, b.value) AS whole,
           k.kind, k.is_ratio
    FROM spans s
    JOIN base b ON b.period = s.month
    JOIN kinds k ON k.indicator = b.indicator
),
flows AS (
    SELECT period, "window", unit_code, unit_level, indicator,
           CASE WHEN any_value(is_ratio) THEN sum(numerator) / nullif(sum(denominator), 0)
                WHEN count(value) = 0 THEN NULL
                ELSE sum(value) END AS value,
           NULL::VARCHAR AS value_period,
           sum(numerator) AS numerator, sum(denominator) AS denominator,
           sum(n_reporting) AS n_reporting, sum(n_expected) AS n_expected,
           count(DISTINCT month) AS n_months,
           CASE WHEN count(mapped_share) = 0 THEN NULL
                WHEN coalesce(sum(whole), 0) = 0 THEN 1.0
                ELSE sum(whole * coalesce(mapped_share, 1.0)) / sum(whole) END AS mapped_share
    FROM rows_in
    WHERE kind = 'flow'
    GROUP BY ALL
),
stocks AS (
    SELECT period, "window", unit_code, unit_level, indicator,
           arg_max(value, month) FILTER (WHERE value IS NOT NULL) AS value,
           max(month) FILTER (WHERE value IS NOT NULL) AS value_period,
           arg_max(numerator, month) FILTER (WHERE value IS NOT NULL) AS numerator,
           arg_max(denominator, month) FILTER (WHERE value IS NOT NULL) AS denominator,
           coalesce(arg_max(n_reporting, month) FILTER (WHERE value IS NOT NULL), 0)
               AS n_reporting,
           coalesce(arg_max(n_expected, month) FILTER (WHERE value IS NOT NULL),
                    arg_max(n_expected, month)) AS n_expected,
           count(DISTINCT month) AS n_months,
           arg_max(mapped_share, month) FILTER (WHERE value IS NOT NULL) AS mapped_share
    FROM rows_in
    WHERE kind = 'stock'
    GROUP BY ALL
),
sizes AS (
    SELECT period, "window", count(*) AS n_span FROM spans GROUP BY ALL
),
windows AS (
    SELECT x.*, x.n_months = z.n_span AS whole
    FROM (SELECT * FROM flows UNION ALL SELECT * FROM stocks) x
    JOIN sizes z USING (period, "window")
),
-- A window is compared only with one the warehouse has every month of: a year to date
-- against last year's, not against the three months of it that were loaded.
compared AS (
    SELECT * FROM windows WHERE whole
)
SELECT w.period, w."window", w.unit_code, w.unit_level, w.indicator, w.value,
       w.value_period,
       CAST(w.numerator AS DOUBLE) AS numerator,
       CAST(w.denominator AS DOUBLE) AS denominator,
       CAST(w.n_reporting AS INTEGER) AS n_reporting,
       CAST(w.n_expected AS INTEGER) AS n_expected,
       CAST(w.n_months AS INTEGER) AS n_months,
       p.value AS prev_value,
       CAST(p.n_reporting AS INTEGER) AS prev_n_reporting,
       w.value - p.value AS change_prev,
       (w.value - p.value) / nullif(abs(p.value), 0) AS change_prev_pct,
       y.value AS yoy_value,
       CAST(y.n_reporting AS INTEGER) AS yoy_n_reporting,
       w.value - y.value AS change_yoy,
       (w.value - y.value) / nullif(abs(y.value), 0) AS change_yoy_pct,
       w.mapped_share,
       p.mapped_share AS prev_mapped_share,
       y.mapped_share AS yoy_mapped_share
FROM windows w
JOIN targets t ON t.period = w.period
LEFT JOIN compared p
    ON p.period = t.prev_period AND p."window" = w."window"
   AND p.unit_code = w.unit_code AND p.indicator = w.indicator
LEFT JOIN compared y
    ON y.period = t.yoy_period AND y."window" = w."window"
   AND y.unit_code = w.unit_code AND y.indicator = w.indicator
ORDER BY w.period, w."window", w.unit_level DESC, w.unit_code, w.indicator
