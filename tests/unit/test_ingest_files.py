"""Loaders on small files of our own: malformed files stop cleanly, malformed rows are reported."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.store.embedded import EmbeddedGraphStore
from ingest.language.extract import SpacyExtractor
from ingest.registers.anr import ingest_anr
from ingest.registers.readers import read_rows
from ingest.registers.resolve import company_id, name_key
from ingest.registers.rnsr import ingest_rnsr

RNSR_HEADER = (
    "numero_national_de_structure;libelle;sigle;code_postal;commune;tutelles;"
    "numero_de_structure_parent;domaine_scientifique;panel_erc"
)
RNSR_ROWS = [
    '200918462H;Institut Jean Lamour;IJL;54011;NANCY CEDEX;"CNRS;Université de Lorraine";'
    "201119725Y;Sciences de l'ingénieur;PE8 Products and process engineering",
    "201119725Y;Fédération test;FT;57000;METZ;;;Mécanique;",
    "123;Bad id;;;NANCY;;;;",
    "199412610M;;;;NANCY;;;;",
    "199412610N;Trop de champs;;;NANCY;;;;;;;",
]
ANR_HEADER = (
    "id,Projet.Acronyme,Projet.Partenaire.Code_Decision_ANR,Projet.Partenaire.Est_coordinateur,"
    "Projet.Partenaire.Nom_organisme,Projet.Partenaire.Categorie_organisme,"
    "Projet.Partenaire.Code_RNSR,Projet.Partenaire.Adresse.Ville,"
    "Projet.Partenaire.Adresse.Region,Projet.Partenaire.Adresse.Pays"
)
ANR_ROWS = [
    "ANR-15-CE08-0001,ALU,ANR-15-CE08-0001-01,True,Institut Jean Lamour,Laboratoire public,"
    "200918462H,NANCY,Grand Est,France",
    "ANR-15-CE08-0001,ALU,ANR-15-CE08-0001-02,False,ACME S.A.S.,PME,,METZ,Grand Est,France",
    "ANR-18-CE10-0002,USINE,ANR-18-CE10-0002-01,True,Labo sans code,Laboratoire public,,"
    "NANCY,Grand Est,France",
    "ANR-18-CE10-0002,USINE,ANR-18-CE10-0002-02,False,Acme SAS,PME,,Metz,Grand Est,France",
    "ANR-18-CE10-0002,USINE,ANR-18-CE10-0002-03,False,Institut Jean Lamour,Laboratoire public,"
    "200918462H,NANCY,Grand Est,France",
    "ANR-18-CE10-0002,USINE,ANR-18-CE10-0002-04,False,Fondation X,Fondation de recherche,,"
    "PARIS,Île-de-France,France",
    "NOT-A-PROJECT,X,X-01,False,Acme,PME,,Metz,Grand Est,France",
    "ANR-19-CE08-0003,VIDE,ANR-19-CE08-0003-01,False,,PME,,Metz,Grand Est,France",
]
COMMITTEES = "axe_aapg_2022,code,libelle,category\nA,CE08,Matériaux métalliques et inorganiques,x\n"


def write(path: Path, text: str, *, gz: bool = False, encoding: str = "utf-8") -> Path:
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedGraphStore(tmp_path / "store")
    yield s
    s.close()


def test_rnsr_rows_are_loaded_or_rejected_with_line_and_reason(
    tmp_path: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    path = write(tmp_path / "rnsr.csv", "\n".join([RNSR_HEADER, *RNSR_ROWS]) + "\n")
    report = ingest_rnsr(path, store, extractor)
    assert (report.read, report.created, report.rejected) == (5, 2, 3)
    assert [(e.line, e.reason.split(" /")[0]) for e in report.errors] == [
        (4, "numéro RNSR invalide"),
        (5, "libellé vide"),
        (6, "12 champs au lieu de 9"),
    ]
    ijl = store.lab("200918462H")
    assert ijl is not None
    assert ijl.city == "Nancy" and ijl.postcode == "54011"
    assert ijl.institutions == ("CNRS", "Université de Lorraine")
    assert ijl.domains == "Sciences de l'ingénieur" and ijl.panels.startswith("PE8")
    assert ijl.is_unit and ijl.institution_codes == ()
    assert store.counts()["relationships"]["PART_OF"] == 1
    again = ingest_rnsr(path, store, extractor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_anr_resolves_companies_and_derives_collaborations(
    tmp_path: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    write(tmp_path / "anr_committees_ces.csv", COMMITTEES)
    path = write(tmp_path / "anr.csv.gz", "\n".join([ANR_HEADER, *ANR_ROWS]) + "\n", gz=True)
    report = ingest_anr(path, store, extractor)
    assert report.rejected == 2 and report.ignored == 1
    assert {e.line for e in report.errors} == {8, 9}
    assert report.merges == {"name:acme": ["ACME S.A.S.", "Acme SAS"]}
    projects = {p.id: p for p in store.projects()}
    assert set(projects) == {"ANR-15-CE08-0001", "ANR-18-CE10-0002", "ANR-19-CE08-0003"}
    assert projects["ANR-15-CE08-0001"].topic == "Matériaux métalliques et inorganiques"
    assert projects["ANR-15-CE08-0001"].year == 2015
    assert [c.id for c in store.companies()] == ["name:acme"]
    collab = store.collaborations("200918462H")
    assert [(c.company_id, c.projects, c.years) for c in collab] == [("name:acme", 2, (2015, 2018))]
    assert store.lab("name:labo-sans-code") is not None
    before = store.counts()
    ingest_anr(path, store, extractor)
    assert store.counts() == before


@pytest.mark.parametrize(
    ("name", "content", "gz", "encoding", "message"),
    [
        ("rnsr.csv", RNSR_HEADER.replace(";", ",") + "\n", False, "utf-8", "séparateur"),
        ("rnsr.csv", "numero_national_de_structure;sigle\n1;2\n", False, "utf-8", "libelle"),
        ("rnsr.csv", RNSR_HEADER + "\n" + RNSR_ROWS[1] + "\n", False, "latin-1", "UTF-8"),
        ("rnsr.csv.gz", RNSR_HEADER + "\n", False, "utf-8", "gzip"),
        ("missing.csv", "", False, "utf-8", "introuvable"),
    ],
)
def test_a_malformed_file_stops_before_anything_is_written(
    tmp_path: Path,
    store: EmbeddedGraphStore,
    extractor: SpacyExtractor,
    name: str,
    content: str,
    gz: bool,
    encoding: str,
    message: str,
) -> None:
    path = tmp_path / name
    if name != "missing.csv":
        write(path, content, gz=gz, encoding=encoding)
    before = store.counts()
    with pytest.raises(InputError) as err:
        ingest_rnsr(path, store, extractor)
    assert message in err.value.message_fr
    assert name in (err.value.where or "") or name in err.value.message_fr
    assert store.counts() == before


def test_a_row_spanning_lines_keeps_its_first_line_number(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", 'a;b\n1;"deux\nlignes"\n3;4;5\n')
    rows = list(read_rows(path, delimiter=";", required=("a", "b")))
    assert rows[0] == (2, {"a": "1", "b": "deux\nlignes"})
    assert rows[1][0] == 4 and not isinstance(rows[1][1], dict)


def test_company_names_resolve_across_case_accents_punctuation_and_legal_forms() -> None:
    same = ["Aciéries de Lorraine SAS", "ACIERIES DE LORRAINE", "Acieries de Lorraine, S.A.R.L."]
    assert len({name_key(n) for n in same}) == 1
    assert name_key("Müller GmbH") == name_key("MULLER")
    assert company_id("Acme", "123456789") == "siren:123456789"
    assert name_key("Acme") != name_key("Acme Industrie")


def test_anr_labs_without_a_code_join_the_rnsr_unit_of_that_name(
    tmp_path: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    """ANR often names a lab without its RNSR code: when one RNSR unit alone bears that name,
    the participation is that unit's, not a second node's; a name two units share stays apart."""
    rnsr = [
        RNSR_HEADER,
        RNSR_ROWS[0],
        "201220331K;Laboratoire commun;LC1;57000;METZ;;;;",
        "201220332L;Laboratoire Commun;LC2;54000;NANCY;;;;",
    ]
    ingest_rnsr(write(tmp_path / "rnsr.csv", "\n".join(rnsr) + "\n"), store, extractor)
    labs_before = {lab.id for lab in store.labs()}
    rows = [
        "ANR-15-CE08-0001,ALU,ANR-15-CE08-0001-01,True,INSTITUT JEAN LAMOUR,Laboratoire public,"
        ",NANCY,Grand Est,France",
        "ANR-15-CE08-0001,ALU,ANR-15-CE08-0001-02,False,ACME S.A.S.,PME,,METZ,Grand Est,France",
        "ANR-15-CE08-0001,ALU,ANR-15-CE08-0001-03,False,Laboratoire commun,Laboratoire public,"
        ",METZ,Grand Est,France",
    ]
    path = write(tmp_path / "anr.csv.gz", "\n".join([ANR_HEADER, *rows]) + "\n", gz=True)
    report = ingest_anr(path, store, extractor)
    assert {lab.id for lab in store.labs()} - labs_before == {"name:laboratoire-commun"}
    assert [(c.lab_id, c.company_id) for c in store.collaborations("200918462H")] == [
        ("200918462H", "name:acme")
    ]
    assert report.merges["200918462H"] == ["INSTITUT JEAN LAMOUR", "Institut Jean Lamour"]
    before = store.counts()
    ingest_anr(path, store, extractor)
    assert store.counts() == before


def test_a_lab_the_anr_file_names_with_and_without_its_code_is_one_lab_in_any_order(
    tmp_path: Path, store: EmbeddedGraphStore, extractor: SpacyExtractor
) -> None:
    rows = [
        "ANR-16-CE08-0001,A,ANR-16-CE08-0001-01,True,Labo Sans Registre,Laboratoire public,"
        ",NANCY,Grand Est,France",
        "ANR-17-CE08-0002,B,ANR-17-CE08-0002-01,True,LABO SANS REGISTRE,Laboratoire public,"
        "201220333M,NANCY,Grand Est,France",
    ]
    path = write(tmp_path / "anr.csv.gz", "\n".join([ANR_HEADER, *rows]) + "\n", gz=True)
    ingest_anr(path, store, extractor)
    assert [lab.id for lab in store.labs()] == ["201220333M"]
    assert {p.partner_id for p in store.participations()} == {"201220333M"}
    before = store.counts()
    ingest_anr(path, store, extractor)
    assert store.counts() == before


def test_an_institution_named_with_a_unit_code_draws_no_other_row_into_that_unit() -> None:
    from graph.model import Lab
    from ingest.registers.resolve import LabNames, Merges

    limsi = Lab(
        id="197217542U", name="Laboratoire d'informatique pour la mécanique", acronym="LIMSI"
    )
    coded = [
        ("CNRS - Délégation Île-de-France Sud", "197217542U"),  # the institution, with the code
        ("LIMSI", "197217542U"),
        ("Lab. Informatique Mécanique", "197217542U"),
    ]
    names = LabNames([limsi], coded)
    merges = Merges()
    # rows without a code: the institution stays an organisation of its own
    assert names.resolve("CNRS - Délégation Île-de-France Sud", None, merges).startswith("name:")
    assert names.resolve("LIMSI", None, merges) == "197217542U"
    assert names.resolve("Lab. Informatique Mécanique", None, merges) == "197217542U"
    # a row with the code is that unit, whatever its name
    assert names.resolve("CNRS - Délégation Île-de-France Sud", "197217542U", merges) == limsi.id


def test_the_portals_anr_file_loads_as_the_shared_one(
    tmp_path: Path, extractor: SpacyExtractor
) -> None:
    """The file ``passerelle fetch anr`` downloads names the project code
    ``Projet.Code_Decision_ANR`` and may be ``;``-separated: the same graph comes out."""
    shared = write(tmp_path / "shared.csv", "\n".join([ANR_HEADER, *ANR_ROWS]) + "\n")
    portal_header = ANR_HEADER.replace("id,", "Projet.Code_Decision_ANR,", 1)
    portal = write(
        tmp_path / "portal.csv",
        "\n".join(line.replace(",", ";") for line in [portal_header, *ANR_ROWS]) + "\n",
    )
    graphs = []
    for name, path in (("a", shared), ("b", portal)):
        s = EmbeddedGraphStore(tmp_path / name)
        report = ingest_anr(path, s, extractor)
        graphs.append((report.rejected, s.projects(), s.participations(), s.companies()))
        s.close()
    assert graphs[0] == graphs[1] and graphs[0][1]
    missing = write(tmp_path / "neither.csv", ANR_HEADER.replace("id,", "code,", 1) + "\n")
    with pytest.raises(InputError) as e:
        ingest_anr(missing, EmbeddedGraphStore(tmp_path / "c"), extractor)
    assert "id" in e.value.message_fr
