"""Numbered migrations. Each is SQL run inside one transaction; the store is backed up first.

Never edit a migration that has shipped: add the next number.
"""

from __future__ import annotations

M1_DIRECTORY = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, url TEXT, email TEXT,
    source TEXT NOT NULL, source_id TEXT
);
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL, description TEXT, url TEXT, email TEXT, phone TEXT, text_line TEXT,
    hours TEXT, eligibility TEXT, fees TEXT,
    scope TEXT NOT NULL DEFAULT 'local' CHECK (scope IN ('local', 'national')),
    country TEXT,                      -- for national rows: the country served
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    source TEXT NOT NULL, source_id TEXT, last_verified TEXT,
    confidence TEXT NOT NULL DEFAULT 'high' CHECK (confidence IN ('high', 'medium', 'low')),
    caution TEXT, notes TEXT,
    UNIQUE (source, source_id)
);
CREATE TABLE locations (
    id TEXT PRIMARY KEY, organization_id TEXT REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT, address TEXT, city TEXT, region TEXT, postal_code TEXT, country TEXT,
    latitude REAL, longitude REAL, approximate INTEGER NOT NULL DEFAULT 0,
    source TEXT, source_id TEXT
);
CREATE TABLE service_at_location (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    UNIQUE (service_id, location_id)
);
CREATE INDEX sal_location ON service_at_location(location_id);
CREATE VIRTUAL TABLE sal_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TRIGGER sal_rtree_insert AFTER INSERT ON service_at_location BEGIN
    INSERT INTO sal_rtree SELECT new.id, l.latitude, l.latitude, l.longitude, l.longitude
    FROM locations l WHERE l.id = new.location_id AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL;
END;
CREATE TRIGGER sal_rtree_delete AFTER DELETE ON service_at_location BEGIN
    DELETE FROM sal_rtree WHERE id = old.id;
END;
CREATE TRIGGER locations_rtree_update AFTER UPDATE OF latitude, longitude ON locations BEGIN
    DELETE FROM sal_rtree WHERE id IN (SELECT id FROM service_at_location WHERE location_id = new.id);
    INSERT INTO sal_rtree SELECT s.id, new.latitude, new.latitude, new.longitude, new.longitude
    FROM service_at_location s WHERE s.location_id = new.id AND new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;
CREATE TABLE service_categories (
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    category TEXT NOT NULL, PRIMARY KEY (service_id, category)
) WITHOUT ROWID;
CREATE INDEX service_categories_category ON service_categories(category, service_id);
CREATE TABLE service_languages (
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT 'staff' CHECK (mode IN ('staff', 'interpretation')),
    PRIMARY KEY (service_id, language, mode)
) WITHOUT ROWID;
CREATE INDEX service_languages_language ON service_languages(language, service_id);
CREATE TABLE geocode_cache (
    query TEXT PRIMARY KEY, latitude REAL, longitude REAL, display TEXT, provider TEXT, created TEXT
);
"""

M2_CASEWORK = """
CREATE TABLE clients (
    code TEXT PRIMARY KEY,
    language TEXT, note TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created TEXT NOT NULL, closed TEXT
);
CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    starts_utc TEXT NOT NULL, tz TEXT NOT NULL, duration_min INTEGER NOT NULL CHECK (duration_min > 0),
    type TEXT NOT NULL, service_id TEXT REFERENCES services(id) ON DELETE SET NULL, place TEXT,
    interpreter_language TEXT, advocate TEXT, notes TEXT,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'attended', 'rescheduled', 'no-show', 'cancelled')),
    follow_up TEXT, uid TEXT NOT NULL UNIQUE, sequence INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX appointments_starts ON appointments(starts_utc);
CREATE INDEX appointments_client ON appointments(client_code);
CREATE TABLE checklist_progress (
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    checklist TEXT NOT NULL, item TEXT NOT NULL, answer TEXT NOT NULL, note TEXT, updated TEXT NOT NULL,
    PRIMARY KEY (client_code, checklist, item)
) WITHOUT ROWID;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT
);
"""

M3_SEARCH = """
CREATE VIRTUAL TABLE services_fts USING fts5(
    service_id UNINDEXED, name, description, organization,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO services_fts (service_id, name, description, organization)
    SELECT s.id, s.name, coalesce(s.description, ''), coalesce(o.name, '')
    FROM services s LEFT JOIN organizations o ON o.id = s.organization_id;
CREATE TRIGGER services_fts_delete AFTER DELETE ON services BEGIN
    DELETE FROM services_fts WHERE service_id = old.id;
END;
"""

M4_RTREE_AUX = """
DROP TRIGGER sal_rtree_insert;
DROP TRIGGER sal_rtree_delete;
DROP TRIGGER locations_rtree_update;
DROP TABLE sal_rtree;
CREATE VIRTUAL TABLE sal_rtree USING rtree(
    id, min_lat, max_lat, min_lon, max_lon, +service_id, +location_id, +active
);
INSERT INTO sal_rtree
    SELECT sal.id, l.latitude, l.latitude, l.longitude, l.longitude, sal.service_id, sal.location_id,
           s.status = 'active'
    FROM service_at_location sal JOIN locations l ON l.id = sal.location_id JOIN services s ON s.id = sal.service_id
    WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL;
CREATE TRIGGER sal_rtree_insert AFTER INSERT ON service_at_location BEGIN
    INSERT INTO sal_rtree
        SELECT new.id, l.latitude, l.latitude, l.longitude, l.longitude, new.service_id, new.location_id,
               coalesce((SELECT status = 'active' FROM services WHERE id = new.service_id), 0)
        FROM locations l WHERE l.id = new.location_id AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL;
END;
CREATE TRIGGER sal_rtree_delete AFTER DELETE ON service_at_location BEGIN
    DELETE FROM sal_rtree WHERE id = old.id;
END;
CREATE TRIGGER locations_rtree_update AFTER UPDATE OF latitude, longitude ON locations BEGIN
    DELETE FROM sal_rtree WHERE id IN (SELECT id FROM service_at_location WHERE location_id = new.id);
    INSERT INTO sal_rtree
        SELECT sal.id, new.latitude, new.latitude, new.longitude, new.longitude, sal.service_id, sal.location_id,
               coalesce((SELECT status = 'active' FROM services WHERE id = sal.service_id), 0)
        FROM service_at_location sal
        WHERE sal.location_id = new.id AND new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;
CREATE TRIGGER services_rtree_status AFTER UPDATE OF status ON services BEGIN
    UPDATE sal_rtree SET active = (new.status = 'active')
    WHERE id IN (SELECT id FROM service_at_location WHERE service_id = new.id);
END;
"""

M5_PLAN = """
CREATE TABLE goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    text TEXT NOT NULL, area TEXT NOT NULL DEFAULT 'other', target TEXT,
    status TEXT NOT NULL DEFAULT 'working' CHECK (status IN ('working', 'reached', 'paused', 'dropped')),
    reached TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX goals_client ON goals(client_code);
CREATE TABLE releases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    recipient TEXT NOT NULL, service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    signed TEXT NOT NULL, expires TEXT NOT NULL, revoked TEXT, note TEXT, created TEXT NOT NULL
);
CREATE INDEX releases_client ON releases(client_code);
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    service_name TEXT NOT NULL, categories TEXT NOT NULL DEFAULT '', country TEXT,
    reason TEXT,
    release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL,
    goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    appointment_id INTEGER REFERENCES appointments(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'sent'
        CHECK (status IN ('sent', 'contacted', 'accepted', 'declined', 'no-response', 'completed')),
    sent TEXT NOT NULL, accepted TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX referrals_client ON referrals(client_code);
CREATE TABLE plan_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('goal', 'referral')), ref_id INTEGER NOT NULL,
    status TEXT NOT NULL, note TEXT, at TEXT NOT NULL
);
CREATE INDEX plan_events_ref ON plan_events(kind, ref_id);
"""

M6_FACTS = """
ALTER TABLE services ADD COLUMN name_es TEXT;
ALTER TABLE services ADD COLUMN description_es TEXT;
ALTER TABLE services ADD COLUMN caution_es TEXT;
ALTER TABLE services ADD COLUMN citation TEXT;
ALTER TABLE services ADD COLUMN citation_url TEXT;
ALTER TABLE services ADD COLUMN source_date TEXT;
ALTER TABLE services ADD COLUMN law_enforcement INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN priority INTEGER;
CREATE TABLE service_lines (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'text', 'whatsapp', 'tty', 'chat')),
    number TEXT NOT NULL,
    dial_from TEXT NOT NULL,           -- countries it can be dialled from, e.g. 'US' or 'MX,US'
    label TEXT, label_es TEXT,
    citation TEXT, citation_url TEXT, source_date TEXT,
    confidence TEXT CHECK (confidence IS NULL OR confidence IN ('high', 'medium', 'low'))
);
CREATE INDEX service_lines_service ON service_lines(service_id, position);
"""

M7_NATIONAL_INDEX = """
CREATE INDEX services_national ON services(id) WHERE scope = 'national';
"""

M8_CATEGORY_EVIDENCE = """
CREATE TABLE category_evidence (
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('taxonomy', 'keyword', 'rule')),
    reason TEXT NOT NULL,
    PRIMARY KEY (service_id, category)
) WITHOUT ROWID;
"""

M9_SOURCES = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY,             -- the source name services carry (services.source)
    kind TEXT NOT NULL CHECK (kind IN ('file', 'folder', 'api', 'sheet')),
    location TEXT NOT NULL,            -- a path or a URL
    layout TEXT,                       -- hsds-3, hsds-1/2, ohana, hsds-3-api, sheet...
    options TEXT NOT NULL DEFAULT '{}',  -- JSON: what a re-pull needs (page size, sheet name, column mapping)
    created TEXT NOT NULL,
    last_pulled TEXT,                  -- when the last pull that reached the store began (UTC; the server's clock for an API)
    services_read INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    inactivated INTEGER NOT NULL DEFAULT 0,
    etag TEXT, last_modified TEXT,     -- what an API said about its last answer
    content_hash TEXT,                 -- sha256 of a file's or folder's content at the last pull
    publisher TEXT, version TEXT       -- what an API's / said about itself
);
"""

M10_FOR_MINORS = """
ALTER TABLE services ADD COLUMN for_minors INTEGER NOT NULL DEFAULT 0;
CREATE INDEX services_for_minors ON services(id) WHERE for_minors = 1;
"""

M11_GETTING_THERE = """
ALTER TABLE services ADD COLUMN application_process TEXT;
ALTER TABLE services ADD COLUMN required_documents TEXT;
ALTER TABLE locations ADD COLUMN transportation TEXT;
"""

M12_SERVICE_CHANGED = """
ALTER TABLE services ADD COLUMN changed TEXT;       -- when an import or an edit last changed what the service says (UTC)
ALTER TABLE services ADD COLUMN fingerprint TEXT;   -- a hash of what the last import said: a re-read is not a change
UPDATE services SET changed = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now');
CREATE INDEX services_changed ON services(changed);
"""

# Appointment ids are never given out twice: a deleted id named in a note, a calendar or a funder's file must not
# come back as another appointment. SQLite adds AUTOINCREMENT only by rebuilding the table; referrals that name an
# appointment are kept aside first (dropping the old table sets their link to NULL) and linked again after, and the
# counter starts past every id the audit log saw, so ids deleted before this upgrade are not reused either.
M13_APPOINTMENT_IDS = """
CREATE TEMP TABLE _referral_appointments AS
    SELECT id, appointment_id FROM referrals WHERE appointment_id IS NOT NULL;
CREATE TABLE appointments_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_code TEXT NOT NULL REFERENCES clients(code) ON DELETE CASCADE,
    starts_utc TEXT NOT NULL, tz TEXT NOT NULL, duration_min INTEGER NOT NULL CHECK (duration_min > 0),
    type TEXT NOT NULL, service_id TEXT REFERENCES services(id) ON DELETE SET NULL, place TEXT,
    interpreter_language TEXT, advocate TEXT, notes TEXT,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'attended', 'rescheduled', 'no-show', 'cancelled')),
    follow_up TEXT, uid TEXT NOT NULL UNIQUE, sequence INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL, updated TEXT NOT NULL
);
INSERT INTO appointments_new (id, client_code, starts_utc, tz, duration_min, type, service_id, place,
    interpreter_language, advocate, notes, status, follow_up, uid, sequence, created, updated)
    SELECT id, client_code, starts_utc, tz, duration_min, type, service_id, place, interpreter_language, advocate,
           notes, status, follow_up, uid, sequence, created, updated FROM appointments;
DROP TABLE appointments;
ALTER TABLE appointments_new RENAME TO appointments;
CREATE INDEX appointments_starts ON appointments(starts_utc);
CREATE INDEX appointments_client ON appointments(client_code);
UPDATE referrals SET appointment_id = (SELECT r.appointment_id FROM _referral_appointments r WHERE r.id = referrals.id)
    WHERE id IN (SELECT id FROM _referral_appointments);
DROP TABLE _referral_appointments;
DELETE FROM sqlite_sequence WHERE name = 'appointments';
INSERT INTO sqlite_sequence (name, seq) SELECT 'appointments', max(
    coalesce((SELECT max(id) FROM appointments), 0),
    coalesce((SELECT max(CAST(row_id AS INTEGER)) FROM audit WHERE tbl = 'appointments'), 0));
"""

M14_ONLY_WHEN_ASKED = """
ALTER TABLE services ADD COLUMN only_when_asked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX services_only_when_asked ON services(id) WHERE only_when_asked = 1;
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "directory: organizations, services, locations, spatial index", M1_DIRECTORY),
    (2, "casework: clients by code, appointments, checklist answers, audit", M2_CASEWORK),
    (3, "full-text search over services (FTS5, accent-insensitive)", M3_SEARCH),
    (4, "spatial index carries service, location and active flag: lookups need no join", M4_RTREE_AUX),
    (5, "the survivor's plan: goals, releases of information, referrals to partners, their history", M5_PLAN),
    (6, "bundled facts: Spanish names, each fact's own citation and date, dialling scope per line, "
        "law-enforcement flag and survivor-first priority", M6_FACTS),
    (7, "a partial index on the national rows: a lookup no longer scans every service for them", M7_NATIONAL_INDEX),
    (8, "why an imported service got each category (taxonomy code, keyword guess or enforcement rule)",
     M8_CATEGORY_EVIDENCE),
    (9, "directories remembered: where each source was pulled from, how, when and what it held, for sync",
     M9_SOURCES),
    (10, "records only for a child (NCMEC, OTIP's line for minors): shown when a lookup asks for youth or child "
         "protection", M10_FOR_MINORS),
    (11, "what a person needs to get there: how to apply (appointment or walk-in), papers to bring, directions "
         "(from HSDS application_process, required documents, location transportation)", M11_GETTING_THERE),
    (12, "when each service last changed (for exports of what changed since a date)", M12_SERVICE_CHANGED),
    (13, "appointment ids are never reused after a delete (AUTOINCREMENT)", M13_APPOINTMENT_IDS),
    (14, "records shown only when a lookup asks for one of their categories (a U.S. government visa office): "
         "never in a default lookup", M14_ONLY_WHEN_ASKED),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]
