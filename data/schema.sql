-- Toezicht Dashboard: the whole DuckDB schema, in one file.
-- Layer 1 (raw): tables as the loader writes them. Layer 2 (v_*): views that rename,
-- join and cast for the metrics. Metric queries themselves live in metrics/ as CTE chains.
--
-- Large tables (dossier, score, remark) carry no PRIMARY KEY / UNIQUE: DuckDB checks
-- unique indexes eagerly, so deleting a visit and re-inserting it in one transaction
-- would trip them, and indexes slow bulk inserts. The loader enforces uniqueness
-- during validation instead, before anything is written.

CREATE SEQUENCE IF NOT EXISTS seq_import_id START 1;
CREATE SEQUENCE IF NOT EXISTS seq_visit_id START 1;

CREATE TABLE IF NOT EXISTS framework (
    framework_id VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    version      VARCHAR,
    scale        VARCHAR NOT NULL CHECK (scale IN ('binair', 'rag')),
    source       VARCHAR,
    description  VARCHAR
);

CREATE TABLE IF NOT EXISTS theme (
    framework_id VARCHAR NOT NULL,
    theme_code   VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (framework_id, theme_code)
);

CREATE TABLE IF NOT EXISTS indicator (
    framework_id      VARCHAR NOT NULL,
    indicator_code    VARCHAR NOT NULL,
    theme_code        VARCHAR NOT NULL,
    criterion         VARCHAR,
    label             VARCHAR NOT NULL,
    text              VARCHAR,
    operationalisation VARCHAR,
    decision_rule     VARCHAR,
    level             VARCHAR NOT NULL CHECK (level IN ('dossier', 'bezoek', 'team')),
    yearbook_theme    VARCHAR,          -- vroegsignalering | eigen-kracht | veiligheid | NULL
    norm              DOUBLE,           -- optional norm in percent
    position          INTEGER NOT NULL,
    -- Where the texts come from: 'kader' (the published framework's words) or 'afgeleid' (written for this
    -- product, with the reason); NULL when the framework file does not say.
    operationalisation_origin VARCHAR CHECK (operationalisation_origin IN ('kader', 'afgeleid')),
    operationalisation_reason VARCHAR,
    decision_rule_origin      VARCHAR CHECK (decision_rule_origin IN ('kader', 'afgeleid')),
    decision_rule_reason      VARCHAR,
    reading                   VARCHAR,  -- how an ambiguous table in the source was read
    level_reason              VARCHAR,
    PRIMARY KEY (framework_id, indicator_code)
);
-- Databases made before the provenance columns get them here (store refreshes the texts).
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS operationalisation_origin VARCHAR;
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS operationalisation_reason VARCHAR;
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS decision_rule_origin VARCHAR;
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS decision_rule_reason VARCHAR;
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS reading VARCHAR;
ALTER TABLE indicator ADD COLUMN IF NOT EXISTS level_reason VARCHAR;

-- One row per municipality per year (1 January), CBS; see data/gemeenten/README.md.
CREATE TABLE IF NOT EXISTS municipality_year (
    year          INTEGER NOT NULL,
    code          VARCHAR NOT NULL,     -- GM-code, e.g. GM0268
    name          VARCHAR NOT NULL,
    province      VARCHAR NOT NULL,
    PRIMARY KEY (year, code)
);

CREATE TABLE IF NOT EXISTS study (
    study_id     VARCHAR PRIMARY KEY,
    framework_id VARCHAR NOT NULL,
    name         VARCHAR,
    is_demo      BOOLEAN NOT NULL DEFAULT false,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS import_log (
    import_id       INTEGER PRIMARY KEY,
    file_name       VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    options         VARCHAR NOT NULL,   -- CLI/form options that shaped the import
    imported_at     TIMESTAMP NOT NULL,
    imported_by     VARCHAR,
    status          VARCHAR NOT NULL,   -- geïmporteerd | vervangen (replaced earlier data)
    visits          INTEGER NOT NULL,
    dossiers        INTEGER NOT NULL,
    scores          INTEGER NOT NULL,
    remarks         INTEGER NOT NULL,
    findings        INTEGER NOT NULL,
    recommendations INTEGER NOT NULL,
    warnings        INTEGER NOT NULL,
    changes         VARCHAR             -- what a new version changed, in Dutch
);

-- A visit: one study in one municipality on one date. `team` extends DESIGN's key
-- (study, municipality, soort, datum) so that several team self-assessments of one
-- municipality on one day can coexist; it is '' when the workbook names no team.
CREATE TABLE IF NOT EXISTS visit (
    visit_id          INTEGER PRIMARY KEY,
    study_id          VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    municipality_name VARCHAR NOT NULL,   -- name valid in the visit's year
    kind              VARCHAR NOT NULL CHECK (kind IN ('onderzoek', 'hertoets')),
    visit_date        DATE NOT NULL,
    team              VARCHAR NOT NULL DEFAULT '',
    region            VARCHAR,
    import_id         INTEGER NOT NULL,
    report_title      VARCHAR,            -- Onderzoek!Rapport: title of the published report (optional)
    published_on      DATE                -- Onderzoek!Publicatiedatum (optional)
);
-- Databases made before the report columns existed get them here (a no-op on new ones).
ALTER TABLE visit ADD COLUMN IF NOT EXISTS report_title VARCHAR;
ALTER TABLE visit ADD COLUMN IF NOT EXISTS published_on DATE;
ALTER TABLE visit ADD COLUMN IF NOT EXISTS summary_title VARCHAR;  -- Onderzoek!Samenvattend rapport (optional)

CREATE TABLE IF NOT EXISTS dossier (
    visit_id   INTEGER NOT NULL,
    dossier_id VARCHAR NOT NULL,
    team       VARCHAR
);

-- dossier_id is NULL for visit-level (bezoek/team) indicators.
CREATE TABLE IF NOT EXISTS score (
    visit_id       INTEGER NOT NULL,
    dossier_id     VARCHAR,
    indicator_code VARCHAR NOT NULL,
    value          VARCHAR NOT NULL CHECK (value IN ('ja', 'nee', 'nvt', 'onbekend', 'groen', 'oranje', 'rood'))
);

CREATE TABLE IF NOT EXISTS remark (
    visit_id       INTEGER NOT NULL,
    dossier_id     VARCHAR,
    indicator_code VARCHAR,
    text           VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS finding (
    visit_id       INTEGER NOT NULL,
    theme_code     VARCHAR,
    indicator_code VARCHAR,
    kind           VARCHAR NOT NULL CHECK (kind IN ('gaat goed', 'kan beter', 'zorgpunt')),
    text           VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS recommendation (
    visit_id INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    text     VARCHAR NOT NULL,
    status   VARCHAR NOT NULL CHECK (status IN ('open', 'in uitvoering', 'afgerond'))
);

-- Per visit and indicator: how many of each score. Derived from `score` by the loader in the
-- same transaction as the import, so metric queries aggregate ~1 row per visit × indicator
-- instead of every score (3.4 million at national scale).
CREATE TABLE IF NOT EXISTS visit_indicator_count (
    visit_id       INTEGER NOT NULL,
    indicator_code VARCHAR NOT NULL,
    ja             INTEGER NOT NULL,
    nee            INTEGER NOT NULL,
    nvt            INTEGER NOT NULL,
    onbekend       INTEGER NOT NULL,
    groen          INTEGER NOT NULL,
    oranje         INTEGER NOT NULL,
    rood           INTEGER NOT NULL
);

-- Layer 2: views the metrics read.
CREATE OR REPLACE VIEW v_visit AS
SELECT v.visit_id, v.study_id, s.framework_id, f.scale, v.municipality_code, v.municipality_name,
       mp.province, v.kind, v.visit_date, year(v.visit_date) AS year, v.team, v.region, s.is_demo
FROM visit v
JOIN study s USING (study_id)
JOIN framework f USING (framework_id)
LEFT JOIN municipality_year mp
       ON mp.code = v.municipality_code AND mp.year = least(greatest(year(v.visit_date), 2015), 2024);

DROP VIEW IF EXISTS v_score;  -- unused; dropped from databases made before it went

-- One row per visit × indicator with the framework's metadata: what every aggregate starts from.
CREATE OR REPLACE VIEW v_count AS
SELECT vv.visit_id, vv.study_id, vv.framework_id, vv.scale, vv.municipality_code, vv.municipality_name,
       vv.province, vv.kind, vv.visit_date, vv.year, vv.team, vv.is_demo,
       c.indicator_code, i.theme_code, t.name AS theme_name, i.label, i.level, i.yearbook_theme, i.norm,
       i.position AS indicator_position, t.position AS theme_position,
       c.ja, c.nee, c.nvt, c.onbekend, c.groen, c.oranje, c.rood
FROM visit_indicator_count c
JOIN v_visit vv USING (visit_id)
JOIN indicator i ON i.framework_id = vv.framework_id AND i.indicator_code = c.indicator_code
JOIN theme t ON t.framework_id = i.framework_id AND t.theme_code = i.theme_code;

-- Access (DESIGN §12). Publication status of a visit: `concept` on import (a replaced visit starts again as
-- concept), then `vastgesteld`, then `gepubliceerd` with the date it was released in the dashboard
-- (`publication_date`). That date is the dashboard's own decision, kept apart from `published_on`: the date the
-- workbook says the report was published (used for sources and the Jaarbeeld products list). Databases made before
-- these columns existed get them here; their visits start as concept (demo visits always count as published).
ALTER TABLE visit ADD COLUMN IF NOT EXISTS publication_status VARCHAR DEFAULT 'concept';
ALTER TABLE visit ADD COLUMN IF NOT EXISTS publication_date DATE;

-- The visits `lezer` and `gemeente` may see, and the only ones their benchmark pools count.
CREATE OR REPLACE VIEW v_published_visit AS
SELECT v.visit_id
FROM visit v JOIN study s USING (study_id)
WHERE s.is_demo OR v.publication_status = 'gepubliceerd';

-- Who may sign in, and with which role. `email` lower case, unique (enforced by loaders.access: no unique index,
-- see above). `municipalities`: CBS codes, only for role gemeente.
CREATE TABLE IF NOT EXISTS app_user (
    email          VARCHAR NOT NULL,
    role           VARCHAR NOT NULL CHECK (role IN ('beheerder', 'inspecteur', 'programmaleider', 'lezer', 'gemeente')),
    municipalities VARCHAR[] NOT NULL DEFAULT [],
    changed_at     TIMESTAMP NOT NULL,
    changed_by     VARCHAR NOT NULL
);

-- Who did what when: dossier views, downloads, imports, publication and user changes. Never remark text; `what` is
-- BSN-masked before it is written.
CREATE SEQUENCE IF NOT EXISTS seq_access_id START 1;
CREATE TABLE IF NOT EXISTS access_log (
    access_id INTEGER NOT NULL DEFAULT nextval('seq_access_id'),
    logged_at TIMESTAMP NOT NULL,
    who       VARCHAR NOT NULL,
    action    VARCHAR NOT NULL CHECK (action IN ('dossier', 'download', 'import', 'publicatie', 'gebruiker')),
    what      VARCHAR NOT NULL
);
