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
