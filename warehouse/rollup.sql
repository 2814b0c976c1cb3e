-- Roll-up of one period (SPEC §3, §4, §7): commune -> province -> national.
--
-- Inputs (registered by warehouse/rollup.py):
--   facts        the period's facts (Parquet)
--   submissions  the period's submissions (Parquet)
--   indicators   catalog: code, value_type, reported_by_commune, province_only
--   derived      catalog: code, numerator, denominator ($-names are special)
--   communes     the registry: unit_code, province_code (every expected commune)
--   provinces    province_code, n_units: how many reporting provinces each one is (1;
--                more for a month before the July 2025 reform rolled up on the 2025
--                provinces, whose facts come in with a `certain` flag: whether their
--                old commune has one certain successor, see warehouse/rollup.py)
--   deadlines    level, deadline (UTC timestamp)
--
-- Over the hierarchy flows and stocks both add up; a month is one period, so no
-- aggregation over time happens here. Ratios are recomputed from summed numerators and
-- denominators over the communes that reported both, never averaged; a derived row
-- keeps them (numerator, denominator: not in the `rollup` table, but what the windows
-- of rollup_windows.sql sum over months).

WITH
numeric_facts AS (
    SELECT f.*
    FROM facts f JOIN indicators i ON i.code = f.indicator
    WHERE f.value IS NOT NULL AND i.value_type <> 'category'
),
commune_facts AS (
    SELECT * FROM numeric_facts WHERE unit_level = 'commune'
),
expected AS (
    SELECT c.province_code, count(*) AS n_communes, any_value(v.n_units) AS n_units
    FROM communes c JOIN provinces v USING (province_code)
    GROUP BY c.province_code
),
-- Indicators communes report: the province figure is the sum of its communes.
province_from_communes AS (
    SELECT c.province_code AS unit_code, c.indicator,
           sum(c.value) AS value, count(*) AS n_reporting,
           coalesce(sum(c.value) FILTER (WHERE c.certain), 0) AS value_certain
    FROM commune_facts c JOIN indicators i ON i.code = c.indicator
    WHERE i.reported_by_commune
    GROUP BY ALL
),
-- Province-only indicators: the province's own value.
province_own AS (
    SELECT f.unit_code, f.indicator, sum(f.value) AS value, count(*) AS n_reporting,
           sum(f.value) AS value_certain
    FROM numeric_facts f JOIN indicators i ON i.code = f.indicator
    WHERE f.unit_level = 'province' AND i.province_only
    GROUP BY ALL
),
catalog_rows AS (
    SELECT p.province_code AS unit_code, i.code AS indicator,
           CASE WHEN i.province_only THEN o.value ELSE s.value END AS value,
           coalesce(CASE WHEN i.province_only THEN o.n_reporting ELSE s.n_reporting END, 0) AS n_reporting,
           CASE WHEN i.province_only THEN p.n_units ELSE p.n_communes END AS n_expected,
           CASE WHEN i.province_only THEN o.value_certain ELSE s.value_certain END AS value_certain
    FROM expected p
    CROSS JOIN indicators i
    LEFT JOIN province_from_communes s ON s.unit_code = p.province_code AND s.indicator = i.code
    LEFT JOIN province_own o ON o.unit_code = p.province_code AND o.indicator = i.code
    WHERE i.value_type <> 'category'
),
-- Ratios: numerator and denominator summed over communes that reported both.
ratio_pairs AS (
    SELECT d.code AS indicator, n.province_code, n.unit_code, n.certain,
           n.value AS num,
           CASE WHEN d.denominator = '$reporting' THEN 1.0 ELSE m.value END AS den
    FROM derived d
    JOIN commune_facts n ON n.indicator = d.numerator
    LEFT JOIN commune_facts m ON m.unit_code = n.unit_code AND m.indicator = d.denominator
    WHERE NOT starts_with(d.numerator, '$')
      AND (d.denominator = '$reporting' OR m.value IS NOT NULL)
),
reporting AS (
    -- Communes with an accepted report: facts of their own from an accepted file.
    SELECT f.unit_code, f.province_code, bool_and(f.certain) AS certain,
           bool_or(s.received_at <= dl.deadline) AS on_time
    FROM facts f
    JOIN submissions s ON s.sha256 = f.source_sha256 AND s.status = 'accepted'
    JOIN deadlines dl ON dl.level = 'commune'
    WHERE f.unit_level = 'commune'
    GROUP BY ALL
),
completeness AS (
    SELECT d.code AS indicator, p.province_code,
           count(r.unit_code) FILTER (WHERE d.numerator = '$accepted_reports' OR r.on_time) AS num,
           count(r.unit_code) FILTER (WHERE (d.numerator = '$accepted_reports' OR r.on_time)
                                       AND r.certain) AS num_certain,
           any_value(p.n_communes) AS den
    FROM derived d
    CROSS JOIN expected p
    LEFT JOIN reporting r ON r.province_code = p.province_code
    WHERE starts_with(d.numerator, '$')
    GROUP BY d.code, p.province_code
),
ratio_sums AS (
    SELECT d.code AS indicator, p.province_code,
           sum(r.num) AS num, sum(r.den) AS den, count(r.num) AS n_reporting,
           coalesce(sum(r.num) FILTER (WHERE r.certain), 0) AS num_certain
    FROM derived d
    CROSS JOIN expected p
    LEFT JOIN ratio_pairs r ON r.indicator = d.code AND r.province_code = p.province_code
    WHERE NOT starts_with(d.numerator, '$')
    GROUP BY d.code, p.province_code
),
derived_parts AS (
    SELECT indicator, province_code, num, den, n_reporting, num_certain FROM ratio_sums
    UNION ALL
    SELECT indicator, province_code, num, den, num AS n_reporting, num_certain FROM completeness
),
derived_rows AS (
    SELECT x.province_code AS unit_code, x.indicator, x.num / nullif(x.den, 0) AS value,
           x.n_reporting, p.n_communes AS n_expected, x.num, x.den, x.num_certain
    FROM derived_parts x JOIN expected p USING (province_code)
),
province_rows AS (
    SELECT unit_code, 'province' AS unit_level, indicator, value, n_reporting, n_expected,
           NULL::DOUBLE AS num, NULL::DOUBLE AS den, value AS whole, value_certain AS part
    FROM catalog_rows
    UNION ALL
    SELECT unit_code, 'province', indicator, value, n_reporting, n_expected, num, den,
           num, num_certain
    FROM derived_rows
),
national_catalog AS (
    SELECT 'VN' AS unit_code, 'national' AS unit_level, indicator,
           CASE WHEN count(value) = 0 THEN NULL ELSE sum(value) END AS value,
           sum(n_reporting) AS n_reporting, sum(n_expected) AS n_expected,
           NULL::DOUBLE AS num, NULL::DOUBLE AS den, sum(value) AS whole,
           sum(value_certain) AS part
    FROM catalog_rows
    GROUP BY indicator
),
national_derived AS (
    SELECT 'VN', 'national', indicator, sum(num) / nullif(sum(den), 0),
           sum(n_reporting), sum(n_expected), sum(num), sum(den), sum(num), sum(num_certain)
    FROM derived_rows
    GROUP BY indicator
)
SELECT unit_code, unit_level, indicator, value,
       CAST(n_reporting AS INTEGER) AS n_reporting, CAST(n_expected AS INTEGER) AS n_expected,
       CAST(num AS DOUBLE) AS numerator, CAST(den AS DOUBLE) AS denominator,
       -- the share of the figure (a ratio's numerator) from facts flagged `certain`
       CASE WHEN whole IS NULL THEN NULL WHEN whole = 0 THEN 1.0
            ELSE CAST(part AS DOUBLE) / whole END AS mapped_share
FROM (
    SELECT * FROM province_rows
    UNION ALL SELECT * FROM national_catalog
    UNION ALL SELECT * FROM national_derived
)
ORDER BY unit_level DESC, unit_code, indicator
