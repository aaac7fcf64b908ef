"""CORDIS loader: the real Horizon Europe sample, the official schema samples, small files of ours."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.model import Lab
from graph.store.embedded import EmbeddedGraphStore
from ingest.language.extract import SpacyExtractor
from ingest.registers.cordis import ingest_cordis
from ingest.registers.resolve import company_id, lab_id

PROJECTS = """\
id,acronym,title,startDate,objective,topics,fundingScheme
101,ALU,Lightweight aluminium alloys,2023-01-01,"We develop aluminium alloys for additive manufacturing.",HORIZON-CL4-2023-01;HORIZON-CL4-2023-02,HORIZON-RIA
102,USINE,Smart factory?,,Machine learning for predictive maintenance.,,
"""
ORG_HEADER = "projectID|name|shortName|vatNumber|SME|activityType|city|country|role"
ORG_ROWS = [
    "101|Institut Jean Lamour|IJL||False|REC|NANCY|FR|coordinator",
    "101|ACME SAS|ACME||True|PRC|METZ|FR|participant",
    "101|Acier Lorrain|AL|FR12345678901|False|PRC|FLORANGE|FR|participant",
    "102|Acme|||true|PRC|Metz|FR|coordinator",
    "102|Institut Jean Lamour|IJL||False|REC|NANCY|FR|participant",
    "102|Mystery Corp|||maybe|PRC|LYON|FR|participant",
    "999|Ghost SARL|||True|PRC|PARIS|FR|participant",
    "102||||False|HES|NANCY|FR|participant",
    "102|Région Grand Est|||False|PUB|METZ|FR|participant",
]
IJL = "name:institut-jean-lamour"


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedGraphStore(tmp_path / "store")
    yield s
    s.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows(path: Path, delimiter: str) -> list[tuple[int, dict[str, str]]]:
    """The file's records with the line each starts on."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        out, start = [], 2
        for values in reader:
            out.append((start, dict(zip(header, values, strict=True))))
            start = reader.line_num + 1
        return out


def test_the_horizon_europe_sample_loads_and_a_second_run_changes_nothing(
    shared: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    sample = shared / "cordis" / "horizon-europe-sample"
    report = ingest_cordis(sample / "projects.csv", sample / "orgs.csv", store, extractor)
    assert (report.read, report.rejected, report.ignored) == (48 + 250, 0, 10)
    counts = store.counts()
    assert counts["nodes"]["Project"] == 48
    assert counts["relationships"]["ABOUT"] > 0
    assert counts["relationships"]["PARTICIPATED_IN"] == 240  # 250 rows less 8 OTH and 2 PUB
    assert report.created == 48 + counts["nodes"]["Lab"] + counts["nodes"]["Company"]

    projects = {p.id: p for p in store.projects()}
    one = projects["cordis:101259018"]
    assert (one.source, one.acronym, one.year) == ("cordis", "OutMARCH", 2026)
    assert (one.topic_code, one.topic) == ("HORIZON-EIC-2025-PATHFINDEROPEN", "HORIZON-EIC")
    assert one.text.startswith("OutMARCH-ing cancer: Towards innovative") and "SureTACs" in one.text

    companies = {c.id: c for c in store.companies()}
    smes = [c for c in companies.values() if c.is_sme]
    assert smes and all(c.category == "PME" and c.size == "PME" for c in smes)
    laigo = companies[company_id("Laigo Bio B.V.")]
    assert laigo.is_sme and laigo.city == "Utrecht"

    # every project of the sample has exactly one coordinator, a lab or a company
    coordinators: dict[str, int] = defaultdict(int)
    for part in store.participations():
        coordinators[part.project_id] += part.coordinator
    assert coordinators == dict.fromkeys(projects, 1)

    # lab–SME pairs sharing a project, worked out from the raw file, are all collaborations
    by_project: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for _line, row in rows(sample / "orgs.csv", "|"):
        if row["activityType"] in {"HES", "REC"}:
            by_project[row["projectID"]][0].add(lab_id(row["name"]))
        elif row["activityType"] == "PRC" and row["SME"] == "True":
            by_project[row["projectID"]][1].add(company_id(row["name"]))
    expected = {
        (lab, sme) for labs, sme_ids in by_project.values() for lab in labs for sme in sme_ids
    }
    collaborations = {
        (c.lab_id, c.company_id) for c in store.collaborations() if companies[c.company_id].is_sme
    }
    assert expected and collaborations == expected
    assert counts["relationships"]["COLLABORATED_WITH"] >= len(expected)

    again = ingest_cordis(sample / "projects.csv", sample / "orgs.csv", store, extractor)
    assert store.counts() == counts
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == report.created


def test_the_official_schema_samples_load(
    shared: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    folder = shared / "cordis" / "schema-samples"
    projects, orgs = folder / "project_df_100.csv", folder / "organization_df_100.csv"
    project_ids = {row["id"] for _line, row in rows(projects, ",")}
    org_rows = rows(orgs, ",")
    assert len(project_ids) == 100 and len(org_rows) == 100
    orphans = [line for line, row in org_rows if row["projectID"] not in project_ids]
    assert orphans == []  # in these samples, every organisation belongs to one of the projects
    kept = [row for _line, row in org_rows if row["activityType"] in {"PRC", "HES", "REC"}]

    report = ingest_cordis(projects, orgs, store, extractor)

    assert report.rejected == 0 and report.errors == []
    assert report.ignored == len(org_rows) - len(kept) > 0
    counts = store.counts()
    assert counts["nodes"]["Project"] == 100
    assert counts["relationships"]["ABOUT"] > 0
    expected_parts = {
        (
            "cordis:" + row["projectID"],
            company_id(row["name"]) if row["activityType"] == "PRC" else lab_id(row["name"]),
        )
        for row in kept
    }
    parts = store.participations()
    assert {(p.project_id, p.partner_id) for p in parts} == expected_parts
    coordinating = {
        ("cordis:" + row["projectID"], row["name"]) for row in kept if row["role"] == "coordinator"
    }
    assert coordinating and sum(p.coordinator for p in parts) == len(coordinating)
    sme_names = {company_id(row["name"]) for row in kept if row["SME"] == "True"}
    assert {c.id for c in store.companies() if c.is_sme} == sme_names


def test_small_files_resolve_sirens_merge_spellings_and_reject_bad_rows(
    tmp_path: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    ijl = Lab(id=IJL, name="Institut Jean Lamour", description="Métallurgie et matériaux.")
    store.upsert_labs([(ijl, extractor.extract(ijl.description))])
    projects = write(tmp_path / "projects.csv", PROJECTS)
    orgs = write(tmp_path / "orgs.csv", "\n".join([ORG_HEADER, *ORG_ROWS]) + "\n")

    report = ingest_cordis(projects, orgs, store, extractor)

    assert [(e.file, e.line, e.reason.split(" /")[0]) for e in report.errors] == [
        ("orgs.csv", 7, "valeur SME inconnue"),
        ("orgs.csv", 8, "projet absent du fichier des projets"),
        ("orgs.csv", 9, "nom de l'organisation vide"),
    ]
    assert (report.read, report.rejected, report.ignored) == (2 + 9, 3, 1)
    assert report.merges == {"name:acme": ["ACME SAS", "Acme"]}

    companies = {c.id: c for c in store.companies()}
    assert set(companies) == {"name:acme", "siren:345678901"}
    acier = companies["siren:345678901"]
    assert (acier.name, acier.siren, acier.city) == ("Acier Lorrain", "345678901", "Florange")
    assert (acier.category, acier.size, acier.is_sme) == (
        "Entreprise autre que TPE ou PME",
        "GE",
        False,
    )
    acme = companies["name:acme"]
    assert (acme.name, acme.city, acme.category, acme.size) == ("ACME SAS", "Metz", "PME", "PME")
    assert acme.region is None

    # a lab already in the store keeps what it was; its profile takes in its projects' objectives
    stored = store.lab(IJL)
    assert stored is not None and stored.model_copy(update={"profile_key": ""}) == ijl
    cordis = {m.concept_id for m in store.lab_profiles()[IJL].mentions if "cordis" in m.sources}
    assert {"aluminium_alloys", "predictive_maintenance"} <= cordis
    assert [lab.id for lab in store.labs()] == [IJL]

    p101, p102 = store.projects()
    assert (p101.id, p101.year, p101.topic_code, p101.topic) == (
        "cordis:101",
        2023,
        "HORIZON-CL4-2023-01",
        "HORIZON-RIA",
    )
    assert p101.text == (
        "Lightweight aluminium alloys. We develop aluminium alloys for additive manufacturing."
    )
    assert (p102.id, p102.year, p102.topic_code, p102.topic) == ("cordis:102", None, None, None)
    assert p102.text == "Smart factory? Machine learning for predictive maintenance."

    assert {
        (p.project_id, p.partner_kind, p.partner_id, p.coordinator) for p in store.participations()
    } == {
        ("cordis:101", "lab", IJL, True),
        ("cordis:101", "company", "name:acme", False),
        ("cordis:101", "company", "siren:345678901", False),
        ("cordis:102", "company", "name:acme", True),
        ("cordis:102", "lab", IJL, False),
    }
    assert [(c.company_id, c.projects, c.years) for c in store.collaborations(IJL)] == [
        ("name:acme", 2, (2023,)),
        ("siren:345678901", 1, (2023,)),
    ]

    before = store.counts()
    again = ingest_cordis(projects, orgs, store, extractor)
    assert store.counts() == before
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2 + 2 + 1)


@pytest.mark.parametrize(
    ("which", "text", "encoding", "message"),
    [
        ("orgs", ORG_HEADER + "\n" + ORG_ROWS[8] + "\n", "latin-1", "UTF-8"),
        ("projects", PROJECTS.replace("Smart", "Usine é"), "latin-1", "UTF-8"),
        ("orgs", ORG_HEADER.replace("|SME", "") + "\n", "utf-8", "SME"),
        ("orgs", ORG_HEADER.replace("|", ";") + "\n", "utf-8", "séparateur"),
    ],
    ids=["latin-1 organisations", "latin-1 projects", "missing column", "wrong delimiter"],
)
def test_a_malformed_file_stops_before_anything_is_written(
    tmp_path: Path,
    store: EmbeddedGraphStore,
    extractor: SpacyExtractor,
    which: str,
    text: str,
    encoding: str,
    message: str,
) -> None:
    good_orgs = "\n".join([ORG_HEADER, *ORG_ROWS[:5]]) + "\n"
    projects = write(tmp_path / "projects.csv", text if which == "projects" else PROJECTS, encoding)
    orgs = write(tmp_path / "orgs.csv", text if which == "orgs" else good_orgs, encoding)
    before = store.counts()
    with pytest.raises(InputError) as err:
        ingest_cordis(projects, orgs, store, extractor)
    assert message in err.value.message_fr
    assert f"{which}.csv" in err.value.message_fr
    assert store.counts() == before
