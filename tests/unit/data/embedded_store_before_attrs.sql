BEGIN TRANSACTION;
CREATE TABLE broader (
    concept_id TEXT NOT NULL, broader_id TEXT NOT NULL, PRIMARY KEY (concept_id, broader_id));
INSERT INTO "broader" VALUES('tig_welding','welding');
CREATE TABLE collaboration (
    lab_id TEXT NOT NULL REFERENCES lab(id), company_id TEXT NOT NULL REFERENCES company(id),
    projects INTEGER NOT NULL, years TEXT NOT NULL, PRIMARY KEY (lab_id, company_id));
INSERT INTO "collaboration" VALUES('201119725X','acme',1,'[2021]');
CREATE TABLE company (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT, naf TEXT, size TEXT,
    illustrative INTEGER NOT NULL, category TEXT, region TEXT, siren TEXT);
INSERT INTO "company" VALUES('acme','Acme','Metz','25.62B','PME',1,'PME','Grand Est','123456789');
CREATE TABLE concept (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, label_fr TEXT NOT NULL, label_en TEXT NOT NULL,
    alt_fr TEXT NOT NULL, alt_en TEXT NOT NULL, esco TEXT, euroscivoc TEXT, naf TEXT, source TEXT NOT NULL DEFAULT 'passerelle');
INSERT INTO "concept" VALUES('welding','process','soudage','welding','["soudure"]','[]',NULL,NULL,'25.62B','passerelle');
INSERT INTO "concept" VALUES('tig_welding','process','soudage « TIG »','TIG welding','[]','["GTAW"]','http://data.europa.eu/esco/skill/x','ev1',NULL,'esco');
CREATE TABLE has_capability (
    lab_id TEXT NOT NULL REFERENCES lab(id), concept_id TEXT NOT NULL, weight REAL NOT NULL,
    evidence TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (lab_id, concept_id));
INSERT INTO "has_capability" VALUES('201119725X','welding',0.75,'["soudage"]','["description", "anr"]');
CREATE TABLE lab (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, acronym TEXT, city TEXT, description TEXT NOT NULL,
    language TEXT NOT NULL, keywords TEXT NOT NULL, terms TEXT NOT NULL, postcode TEXT, institutions TEXT NOT NULL DEFAULT '[]', parent_ids TEXT NOT NULL DEFAULT '[]', domains TEXT NOT NULL DEFAULT '', search_key TEXT NOT NULL DEFAULT '', attrs TEXT NOT NULL DEFAULT '{}');
INSERT INTO "lab" VALUES('201119725X','Laboratoire d''Étude des Microstructures','LEM3','Metz','Soudage.','fr','["mise en forme"]','["soudag", "form"]','57070','["Universit\u00e9 de Lorraine", "CNRS"]','["200918462H"]','Sciences pour l''ingénieur','lem3 laboratoire d etude des microstructures metz','{"kind": "unit", "institution_codes": ["LORRAINE", "CNRS"], "panels": "PE8", "description_en": "Welding.", "description_source": "passerelle, 2026-12-01", "profile_key": "abc"}');
INSERT INTO "lab" VALUES('200918462H','Institut Jean Lamour',NULL,NULL,'','en','[]','[]',NULL,'[]','[]','','institut jean lamour','{"kind": "organisation", "institution_codes": [], "panels": "", "description_en": "", "description_source": null, "profile_key": ""}');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE need (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES company(id), title TEXT NOT NULL,
    text TEXT NOT NULL, illustrative INTEGER NOT NULL, language TEXT NOT NULL,
    keywords TEXT NOT NULL, terms TEXT NOT NULL);
INSERT INTO "need" VALUES('need-1','acme','Soudures','Nos soudures cassent.',1,'fr','["soudure"]','["soudur", "cass"]');
CREATE TABLE participation (
    project_id TEXT NOT NULL REFERENCES project(id), partner_kind TEXT NOT NULL,
    partner_id TEXT NOT NULL, coordinator INTEGER NOT NULL,
    PRIMARY KEY (project_id, partner_kind, partner_id));
INSERT INTO "participation" VALUES('ANR-1','lab','201119725X',1);
INSERT INTO "participation" VALUES('ANR-1','company','acme',0);
CREATE TABLE project (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, acronym TEXT, year INTEGER, topic_code TEXT,
    topic TEXT, text TEXT NOT NULL);
INSERT INTO "project" VALUES('ANR-1','anr','WELD',2021,'CE08','Matériaux','Soudage « TIG ».');
CREATE TABLE project_about (
    project_id TEXT NOT NULL REFERENCES project(id), concept_id TEXT NOT NULL,
    weight REAL NOT NULL, evidence TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (project_id, concept_id));
INSERT INTO "project_about" VALUES('ANR-1','welding',0.5,'["soudage"]','["anr"]');
CREATE TABLE requires (
    need_id TEXT NOT NULL REFERENCES need(id), concept_id TEXT NOT NULL, weight REAL NOT NULL,
    evidence TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (need_id, concept_id));
INSERT INTO "requires" VALUES('need-1','tig_welding',0.5,'["soudures"]','[]');
CREATE INDEX participation_partner ON participation (partner_kind, partner_id);
COMMIT;
