"""The journey-mapping vocabulary: channels, card kinds, emotions, segments and board templates.

Template phase names are board content, not UI text: they follow the board's language
(picked when the board is created), so they live here in all three languages rather than
in the gettext catalogues, which follow the reader's language.
"""

from django.db import models
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("de", _("German"))]
LANGUAGE_CODES = [code for code, _label in LANGUAGES]


class Segment(models.TextChoices):
    BUYER = "buyer", _("Buyer journey")
    CUSTOMER = "customer", _("Customer journey")


class Layer(models.TextChoices):
    """The layers of a service blueprint, from what the customer does down to what supports
    the service; a journey map's rows are mostly in the customer layer."""

    CUSTOMER = "customer", _("Customer")
    FRONTSTAGE = "frontstage", _("Frontstage")
    BACKSTAGE = "backstage", _("Backstage")
    SUPPORT = "support", _("Support processes")


# The blueprint's line drawn between two consecutive rows of different layers: the one
# below the upper row's layer (a row above a lower layer crosses every line between them).
LAYER_LINES = {
    Layer.CUSTOMER: _("Line of interaction"),
    Layer.FRONTSTAGE: _("Line of visibility"),
    Layer.BACKSTAGE: _("Line of internal interaction"),
}

# The row every board starts with, and existing boards were given: named in the board's language.
FIRST_ROW_NAMES = {"en": "Touchpoints", "nl": "Touchpoints", "de": "Touchpoints"}


class Kind(models.TextChoices):
    TOUCHPOINT = "touchpoint", _("Touchpoint")
    PAIN = "pain", _("Pain point")
    OPPORTUNITY = "opportunity", _("Opportunity")
    IDEA = "idea", _("Idea")


class Channel(models.TextChoices):
    """The touchpoint types named in the seed articles, plus "other"."""

    ADVERTISING = "advertising", _("Advertising / campaign")
    WEBSITE = "website", _("Website / webshop")
    SOCIAL = "social", _("Social media")
    REVIEWS = "reviews", _("Review sites")
    PHONE = "phone", _("Phone support")
    CHAT_EMAIL = "chat_email", _("Chat / e-mail service")
    SALES = "sales", _("Sales conversation / presentation")
    DEMO = "demo", _("Product demo")
    STORE = "store", _("Store visit")
    DELIVERY = "delivery", _("Delivery / installation")
    SURVEY = "survey", _("Feedback / satisfaction survey")
    USE = "use", _("Product / service use")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    OTHER = "other", _("Other")


EMOTIONS = [
    (-2, _("Very negative")),
    (-1, _("Negative")),
    (0, _("Neutral")),
    (1, _("Positive")),
    (2, _("Very positive")),
]
EMOTION_MIN, EMOTION_MAX = -2, 2

# Phase colours: soft enough for dark text on top, distinct enough to tell lanes apart.
PALETTE = [
    "#4f7cff",
    "#12a4b8",
    "#2fb67c",
    "#8bc34a",
    "#f2b233",
    "#f28c38",
    "#e8575a",
    "#d65db1",
    "#8a63d2",
    "#5c6bc0",
]


def palette_colour(index):
    return PALETTE[index % len(PALETTE)]


def _phase(en, nl, de, segment):
    return {"names": {"en": en, "nl": nl, "de": de}, "segment": segment}


B, C = Segment.BUYER, Segment.CUSTOMER


def _row(en, nl, de, layer, color):
    return {"names": {"en": en, "nl": nl, "de": de}, "layer": layer, "color": color}


# The rows practitioners draw under a journey's phases (seed 000: touchpoints are the moments
# of contact that make or break a purchase; a map adds what the customer does, thinks and
# feels, and where it hurts or could be better). Touchpoints come first: new cards and the
# example cards go there, as on boards from before rows.
JOURNEY_ROWS = [
    _row("Touchpoints", "Touchpoints", "Touchpoints", Layer.CUSTOMER, "#8a94a6"),
    _row("Customer actions", "Klantacties", "Kundenaktionen", Layer.CUSTOMER, "#4f7cff"),
    _row("Thoughts & feelings", "Gedachten & gevoelens", "Gedanken & Gefühle", Layer.CUSTOMER, "#d65db1"),
    _row("Pain points & opportunities", "Pijnpunten & kansen", "Schmerzpunkte & Chancen", Layer.CUSTOMER, "#e8575a"),
]
# A service blueprint: what the customer does, what the staff they meet do (frontstage),
# what happens out of their sight (backstage) and the systems and teams that support it,
# separated by the lines of interaction, visibility and internal interaction.
BLUEPRINT_ROWS = [
    _row("Customer actions", "Klantacties", "Kundenaktionen", Layer.CUSTOMER, "#4f7cff"),
    _row("Frontstage actions", "Frontstage-acties", "Frontstage-Aktionen", Layer.FRONTSTAGE, "#2fb67c"),
    _row("Backstage actions", "Backstage-acties", "Backstage-Aktionen", Layer.BACKSTAGE, "#f2b233"),
    _row("Support processes", "Ondersteunende processen", "Unterstützungsprozesse", Layer.SUPPORT, "#8a63d2"),
]

TEMPLATES = {
    "buyer": {
        "label": _("Buyer journey (3 phases)"),
        "phases": [
            _phase("Awareness", "Bewustwording", "Bewusstsein", B),
            _phase("Consideration", "Overweging", "Erwägung", B),
            _phase("Decision", "Besluitvorming", "Entscheidung", B),
        ],
        "rows": JOURNEY_ROWS,
    },
    "customer10": {
        "label": _("Customer journey in 10 steps"),
        # A buyer takes the first seven steps, a customer the last three.
        "phases": [
            _phase("Latent need", "Latente behoefte", "Latenter Bedarf", B),
            _phase("Concrete need", "Concrete behoefte", "Konkreter Bedarf", B),
            _phase("Orientation", "Oriëntatie", "Orientierung", B),
            _phase("Consideration", "Overweging", "Abwägung", B),
            _phase("Decision moment", "Beslismoment", "Entscheidungsmoment", B),
            _phase("Purchase", "Koop", "Kauf", B),
            _phase("Delivery", "Levering", "Lieferung", B),
            _phase("Use", "Gebruik", "Nutzung", C),
            _phase("Loyalty", "Loyaliteit", "Loyalität", C),
            _phase("Ambassador", "Ambassadeur", "Botschafter", C),
        ],
        "rows": JOURNEY_ROWS,
    },
    "customer8": {
        "label": _("Customer journey in 8 steps"),
        # Split like the 10-step journey: up to and including delivery is the buyer's part.
        "phases": [
            _phase("Awareness", "Bewustwording", "Bewusstsein", B),
            _phase("Research", "Onderzoek", "Recherche", B),
            _phase("Consideration", "Overweging", "Erwägung", B),
            _phase("Purchase", "Aankoop", "Kauf", B),
            _phase("Delivery", "Levering", "Lieferung", B),
            _phase("Use", "Gebruik", "Nutzung", C),
            _phase("Evaluation", "Evaluatie", "Bewertung", C),
            _phase("Loyalty", "Loyaliteit", "Loyalität", C),
        ],
        "rows": JOURNEY_ROWS,
    },
    "blueprint": {
        "label": _("Service blueprint (4 layers)"),
        "phases": [
            _phase("Discover", "Ontdekken", "Entdecken", B),
            _phase("Order", "Bestellen", "Bestellen", B),
            _phase("Receive", "Ontvangen", "Erhalten", B),
            _phase("Use", "Gebruiken", "Nutzen", C),
            _phase("Get help", "Hulp krijgen", "Hilfe bekommen", C),
        ],
        "rows": BLUEPRINT_ROWS,
    },
    "blank": {"label": _("Blank board"), "phases": []},
}
TEMPLATE_CHOICES = [(key, spec["label"]) for key, spec in TEMPLATES.items()]


def template_phases(template_key, language):
    """The phases a template starts with, named in the board's language."""
    return [
        {"name": spec["names"][language], "segment": spec["segment"].value, "color": palette_colour(i)}
        for i, spec in enumerate(TEMPLATES[template_key]["phases"])
    ]


def template_rows(template_key, language):
    """The rows a template starts with, named in the board's language (a blank board has
    the one row every board starts with)."""
    rows = TEMPLATES[template_key].get("rows")
    if not rows:
        return [{"name": FIRST_ROW_NAMES[language], "layer": Layer.CUSTOMER.value, "color": "#8a94a6"}]
    return [{"name": row["names"][language], "layer": row["layer"].value, "color": row["color"]} for row in rows]


_label_cache = {}


def label(source, value, html=False):
    """The translated label of a choice (`source`: a Choices class or a list of
    pairs, always the same object), from a per-language dict; with `html`, escaped and
    marked safe, so that a page listing hundreds of cards does not escape it each time.

    Django's get_FOO_display() rebuilds its dict (and translates every lazy label) on
    each call; on a board of thousands of cards that was a quarter of the render time.
    """
    key = (id(source), get_language(), html)
    labels = _label_cache.get(key)
    if labels is None:
        choices = source.choices if hasattr(source, "choices") else source  # a Choices class or a list
        labels = _label_cache[key] = {v: conditional_escape(str(text)) if html else str(text) for v, text in choices}
    return labels.get(value, "")
