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
    "nav.concepts": ("Vocabulaire", "Vocabulary"),
    "concepts.title": ("Le vocabulaire", "The vocabulary"),
    "concepts.intro": (
        "Les techniques, matériaux, procédés et compétences que Passerelle reconnaît dans les "
        "textes, et qui relient les besoins aux laboratoires.",
        "The techniques, materials, processes and skills Passerelle recognises in texts, which "
        "link needs to labs.",
    ),
    "concepts.search": ("Chercher un concept", "Search a concept"),
    "concepts.search_button": ("Chercher", "Search"),
    "concepts.none": ("Aucun concept ne correspond.", "No concept matches."),
    "concepts.synonyms": ("Synonymes", "Synonyms"),
    "concepts.broader": ("Plus général", "Broader"),
    "concepts.kind": ("Type", "Kind"),
    "concept_kind.field": ("domaine", "field"),
    "concept_kind.technology": ("technologie", "technology"),
    "concept_kind.material": ("matériau", "material"),
    "concept_kind.process": ("procédé", "process"),
    "concept_kind.phenomenon": ("phénomène", "phenomenon"),
    "concept_kind.skill": ("compétence", "skill"),
    "concept_kind.equipment": ("équipement", "equipment"),
    "concept_kind.sector": ("secteur", "sector"),
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
    "need.list_title": ("Besoins", "Needs"),
    "need.list_title_sme": ("Mes besoins", "My needs"),
    "need.list_help": (
        "Les besoins que vous pouvez lire, les plus récents d'abord.",
        "The needs you may read, most recent first.",
    ),
    "need.none": ("Aucun besoin pour l'instant.", "No need yet."),
    "need.new": ("Déposer un besoin", "Submit a need"),
    "need.withdrawn": (
        "Le besoin a été retiré : son texte est effacé.",
        "The need was withdrawn: its text is erased.",
    ),
    "need.col_title": ("Titre", "Title"),
    "need.col_status": ("État", "Status"),
    "need.col_visibility": ("Visibilité", "Visibility"),
    "need.col_company": ("Entreprise", "Company"),
    "need.company_hidden": ("(anonyme)", "(anonymous)"),
    "need.status.new": ("nouveau", "new"),
    "need.status.in_progress": ("en cours", "in progress"),
    "need.status.closed": ("clos", "closed"),
    "need.vis.confidential": ("confidentiel", "confidential"),
    "need.vis.anonymous": ("anonyme", "anonymous"),
    "need.vis.public": ("public", "public"),
    "need.vis_help.confidential": (
        "Seules votre entreprise et les chargés de valorisation de l'Université le lisent.",
        "Only your company and the Université's tech-transfer officers read it.",
    ),
    "need.vis_help.anonymous": (
        "Les chercheurs lisent le texte, jamais le nom de votre entreprise.",
        "Researchers read the text, never your company's name.",
    ),
    "need.vis_help.public": (
        "Toute personne connectée le lit, avec le nom de votre entreprise.",
        "Every signed-in user reads it, with your company's name.",
    ),
    "need.form_title_new": ("Déposer un besoin", "Submit a need"),
    "need.form_title_edit": ("Modifier le besoin", "Edit the need"),
    "need.form_help": (
        "Décrivez votre problème avec vos mots : pièces, matériaux, procédés, défauts. "
        "Nous y reconnaissons les compétences en jeu et proposons des laboratoires.",
        "Describe your problem in your own words: parts, materials, processes, defects. "
        "We recognise the capabilities at stake and suggest labs.",
    ),
    "need.field_company": ("Entreprise", "Company"),
    "need.field_company_help": (
        "L'entreprise pour laquelle vous déposez ce besoin (nom).",
        "The company you submit this need for (name).",
    ),
    "need.field_visibility": ("Qui peut lire ce besoin ?", "Who may read this need?"),
    "need.submit": ("Déposer le besoin", "Submit the need"),
    "need.save": ("Enregistrer les modifications", "Save the changes"),
    "need.cancel": ("Annuler", "Cancel"),
    "need.form_error": (
        "Le formulaire n'a pas été enregistré : corrigez le champ signalé.",
        "The form was not saved: correct the field shown.",
    ),
    "need.status_label": ("État", "Status"),
    "need.visibility_label": ("Visibilité", "Visibility"),
    "need.company_label": ("Entreprise", "Company"),
    "need.text_heading": ("Le besoin", "The need"),
    "need.text_help": (
        "Les passages surlignés sont ceux où nous avons reconnu une compétence.",
        "Highlighted passages are where we recognised a capability.",
    ),
    "need.concepts_heading": ("Compétences reconnues", "Capabilities recognised"),
    "need.concepts_none": ("Aucune compétence reconnue.", "No capability recognised."),
    "need.concepts_help": (
        "Retirez une compétence reconnue à tort, ajoutez-en une qui manque : les "
        "laboratoires suggérés suivent.",
        "Remove a capability recognised by mistake, add a missing one: the suggested labs follow.",
    ),
    "need.remove_concept": ("Retirer « {label} »", "Remove '{label}'"),
    "need.added_by_hand": ("ajoutée", "added"),
    "need.add_concept": ("Ajouter une compétence", "Add a capability"),
    "need.add_concept_help": (
        "Tapez au moins deux lettres, puis choisissez dans la liste.",
        "Type at least two letters, then choose from the list.",
    ),
    "need.search": ("Chercher", "Search"),
    "need.no_suggestion": ("Aucune compétence ne correspond.", "No capability matches."),
    "need.labs_heading": ("Laboratoires suggérés", "Suggested labs"),
    "need.labs_none": (
        "Aucun laboratoire ne correspond pour l'instant.",
        "No lab matches for now.",
    ),
    "need.intros_heading": ("Mises en relation", "Introductions"),
    "need.intros_none": (
        "Aucune mise en relation pour l'instant : un chargé de valorisation étudie votre besoin.",
        "No introduction yet: a tech-transfer officer is looking at your need.",
    ),
    "need.intro_open": ("Suivre cette mise en relation", "Follow this introduction"),
    "need.intro_lab": ("Laboratoire", "Lab"),
    "need.intro_declined": ("Mise en relation déclinée", "Introduction declined"),
    "need.step_done": ("fait", "done"),
    "need.step_current": ("étape actuelle", "current step"),
    "need.actions_heading": ("Modifier ou retirer", "Edit or withdraw"),
    "need.edit": ("Modifier le besoin", "Edit the need"),
    "need.withdraw_help": (
        "Retirer le besoin efface son texte ; les mises en relation en cours sont closes.",
        "Withdrawing the need erases its text; introductions under way are closed.",
    ),
    "need.withdraw": ("Retirer définitivement ce besoin", "Withdraw this need for good"),
    "need.back": ("Retour aux besoins", "Back to the needs"),
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
