"""The pages' words, French first, English available: one catalogue, ``t(key)``.

The language is the ``lang`` cookie (set by ``/lang/{code}``), else French. A key missing from
the catalogue is a bug: ``tests/browser`` and ``tests/unit/test_web_i18n.py`` check that every
key the templates use has both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")
LANG_COOKIE = "lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # site
    "site.tagline": (
        "Rapprocher les laboratoires de l'Université de Lorraine et les besoins des PME",
        "Pairing Université de Lorraine labs with SMEs' needs",
    ),
    "site.skip": ("Aller au contenu", "Skip to content"),
    "nav.home": ("Accueil", "Home"),
    "nav.labs": ("Laboratoires", "Labs"),
    "nav.needs": ("Besoins", "Needs"),
    "nav.my_needs": ("Mes besoins", "My needs"),
    "nav.new_need": ("Déposer un besoin", "Submit a need"),
    "nav.queue": ("File des besoins", "Needs queue"),
    "nav.my_lab": ("Mon laboratoire", "My lab"),
    "nav.sign_in": ("Se connecter", "Sign in"),
    "nav.sign_out": ("Se déconnecter", "Sign out"),
    "nav.language": ("Langue", "Language"),
    "nav.signed_in_as": ("Connecté·e : {email} ({role})", "Signed in: {email} ({role})"),
    "role.sme": ("PME", "SME"),
    "role.officer": ("chargé·e de valorisation", "tech-transfer officer"),
    "role.researcher": ("chercheur·e", "researcher"),
    "role.admin": ("administration", "admin"),
    # -- needs pages (api/web/needs.py): keys "need.*" --
    # home
    "home.title": (
        "Quel laboratoire peut résoudre votre problème ?",
        "Which lab can solve your problem?",
    ),
    "home.intro": (
        "Passerelle lit la description d'un problème industriel, y reconnaît les techniques, "
        "matériaux et procédés en jeu, et propose les laboratoires de l'Université de Lorraine "
        "qui les maîtrisent, en expliquant pourquoi.",
        "Passerelle reads the description of an industrial problem, recognises the techniques, "
        "materials and processes at stake, and suggests the Université de Lorraine labs that "
        "master them, saying why.",
    ),
    "home.try": ("Décrivez votre problème", "Describe your problem"),
    "home.try_help": (
        "Essayez librement : rien n'est enregistré. Pour suivre une mise en relation, "
        "connectez-vous et déposez votre besoin.",
        "Try freely: nothing is stored. To follow an introduction, sign in and submit your need.",
    ),
    "home.try_button": ("Trouver des laboratoires", "Find labs"),
    "home.results": ("Laboratoires suggérés", "Suggested labs"),
    "home.concepts_found": ("Ce que nous avons reconnu", "What we recognised"),
    "home.no_result": (
        "Aucun laboratoire ne correspond : ajoutez des détails (matériau, procédé, défaut).",
        "No lab matches: add details (material, process, defect).",
    ),
    # sign in
    "login.title": ("Connexion", "Sign in"),
    "login.email": ("Adresse électronique", "Email"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Sign in"),
    "login.failed": ("Adresse ou mot de passe incorrect.", "Wrong email or password."),
    "login.throttled": (
        "Trop de tentatives : réessayez dans quelques minutes.",
        "Too many attempts: try again in a few minutes.",
    ),
    "login.expired": ("Formulaire expiré : réessayez.", "Form expired: try again."),
    # errors
    "error.title": ("Erreur", "Error"),
    "error.403": ("Vous n'avez pas accès à cette page.", "You may not open this page."),
    "error.404": ("Cette page n'existe pas.", "This page does not exist."),
    "error.405": ("Cette action n'est pas possible ici.", "This action is not possible here."),
    "error.409": (
        "Cette action ne correspond pas à l'état actuel.",
        "This action does not fit the current state.",
    ),
    "error.422": ("La demande n'est pas valide.", "The request is not valid."),
    "error.429": (
        "Trop de demandes : réessayez dans un moment.",
        "Too many requests: try again shortly.",
    ),
    "error.500": (
        "Une erreur de notre part. Citez cet identifiant si vous nous écrivez :",
        "An error on our side. Quote this id if you write to us:",
    ),
    "error.503": (
        "Le service est momentanément indisponible : réessayez dans un moment.",
        "The service is unavailable for a moment: try again shortly.",
    ),
    "error.request_id": ("Identifiant de la requête", "Request id"),
    "error.back_home": ("Retour à l'accueil", "Back to the home page"),
    # explanations
    "lab.score": ("score", "score"),
    "lab.shared_concepts": ("Compétences en commun", "Shared capabilities"),
    "lab.shared_words": ("Mots en commun", "Words in common"),
    "lab.industry": ("Expérience industrielle", "Industry track record"),
    "lab.industry_none": (
        "Pas de projet connu avec des entreprises.",
        "No known project with companies.",
    ),
    "lab.industry_some": (
        "{companies} entreprises, dont {smes} PME, dans des projets communs",
        "{companies} companies, {smes} of them SMEs, in shared projects",
    ),
    "lab.graph_signals": ("Autres éléments", "Other signals"),
    # -- officer, introduction and lab pages (api/web/officer.py): keys "queue.*", "intro.*",
    # "labs.*" --
    "queue.title": ("File des besoins", "Needs queue"),
    "queue.intro": (
        "Les besoins déposés, avec les laboratoires suggérés et les mises en relation en cours.",
        "The needs submitted, with the suggested labs and the introductions under way.",
    ),
    "queue.filter": ("Filtrer par état", "Filter by status"),
    "queue.all": ("Tous", "All"),
    "queue.status.new": ("Nouveaux", "New"),
    "queue.status.in_progress": ("En cours", "In progress"),
    "queue.status.closed": ("Clos", "Closed"),
    "queue.export": ("Exporter en CSV", "Export as CSV"),
    "queue.empty": ("Aucun besoin dans cet état.", "No need in this status."),
    "queue.company": ("Entreprise", "Company"),
    "queue.introductions": ("Mises en relation", "Introductions"),
    "queue.suggestions": ("Laboratoires suggérés", "Suggested labs"),
    "queue.already": ("Déjà mis en relation.", "Already introduced."),
    "queue.note": ("Note pour {lab} (facultative)", "Note for {lab} (optional)"),
    "queue.introduce": ("Mettre en relation avec {lab}", "Introduce to {lab}"),
    "intro.title": ("Mise en relation", "Introduction"),
    "intro.need": ("Besoin", "Need"),
    "intro.need_gone": ("(besoin retiré)", "(need withdrawn)"),
    "intro.lab": ("Laboratoire", "Lab"),
    "intro.status": ("État", "Status"),
    "intro.status.proposed": ("proposée", "proposed"),
    "intro.status.contacted": ("contact pris", "contacted"),
    "intro.status.meeting": ("rencontre", "meeting"),
    "intro.status.agreement": ("accord", "agreement"),
    "intro.status.declined": ("déclinée", "declined"),
    "intro.steps": ("Étapes", "Steps"),
    "intro.current": ("étape actuelle", "current step"),
    "intro.reason": ("motif", "reason"),
    "intro.trail": ("Historique", "Audit trail"),
    "intro.opened": ("ouverture", "opened"),
    "intro.note_only": ("note", "note"),
    "intro.actions": ("Faire avancer", "Move on"),
    "intro.note_label": ("Note (facultative)", "Note (optional)"),
    "intro.move_to": ("Passer à l'étape « {step} »", "Move to the step '{step}'"),
    "intro.reason_label": ("Motif du refus", "Reason for declining"),
    "intro.reason_help": (
        "Obligatoire pour décliner : il aide à mieux suggérer ensuite.",
        "Required to decline: it helps to suggest better next time.",
    ),
    "intro.decline": ("Décliner la mise en relation", "Decline the introduction"),
    "intro.add_note_label": ("Ajouter une note à l'historique", "Add a note to the trail"),
    "intro.add_note": ("Ajouter la note", "Add the note"),
    "labs.title": ("Laboratoires", "Labs"),
    "labs.search": ("Rechercher un laboratoire", "Search for a lab"),
    "labs.search_help": (
        "Sigle, nom ou ville (par exemple : IJL, matériaux, Nancy).",
        "Acronym, name or city (for example: IJL, materials, Nancy).",
    ),
    "labs.search_button": ("Rechercher", "Search"),
    "labs.found": ("{total} résultat(s) pour « {q} »", "{total} result(s) for '{q}'"),
    "labs.all": ("{total} laboratoires et partenaires", "{total} labs and partners"),
    "labs.none": ("Aucun laboratoire trouvé.", "No lab found."),
    "labs.pages": ("Pages de résultats", "Result pages"),
    "labs.previous": ("Page précédente", "Previous page"),
    "labs.next": ("Page suivante", "Next page"),
    "labs.page_of": ("Page {page} sur {pages}", "Page {page} of {pages}"),
    "labs.city": ("Ville", "City"),
    "labs.institutions": ("Tutelles", "Institutions"),
    "labs.kind": ("Type", "Kind"),
    "labs.kind.unit": ("unité de recherche", "research unit"),
    "labs.kind.organisation": ("organisme partenaire", "partner organisation"),
    "labs.description": ("Présentation", "About"),
    "labs.source": ("Source", "Source"),
    "labs.capabilities": ("Compétences", "Capabilities"),
    "labs.no_capabilities": ("Aucune compétence reconnue.", "No capability recognised."),
    "labs.projects": (
        "{projects} projet(s) avec des entreprises",
        "{projects} project(s) with companies",
    ),
    "labs.by_year": ("Projets avec des entreprises par année", "Projects with companies by year"),
    "labs.projects_in": ("projets en {year}", "projects in {year}"),
    "labs.by_topic": ("Thèmes", "Topics"),
    "labs.partners": ("Entreprises partenaires", "Partner companies"),
    "labs.partner_projects": ("{n} projet(s) commun(s)", "{n} shared project(s)"),
    "labs.opportunities": ("Besoins qui lui correspondent", "Needs that fit it"),
    "labs.no_opportunities": (
        "Aucun besoin ouvert ne lui correspond pour l'instant.",
        "No open need fits it for now.",
    ),
}


def translator(lang: Lang) -> Callable[..., str]:
    """``t(key, **values)``: the message in ``lang``, its ``{names}`` filled in."""
    pos = 0 if lang == "fr" else 1

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][pos]
        return text.format(**values) if values else text

    return t


def lang_of(cookie: str | None) -> Lang:
    return "en" if cookie == "en" else "fr"
