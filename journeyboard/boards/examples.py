"""Example touchpoints for the 10-step and 8-step templates, offered when a board is created.

The facts come from the seed articles (ads and recommendations make people aware, reviews
and comparisons drive orientation, the wait between purchase and delivery is where it often
goes wrong, feedback and loyalty programmes keep customers). Like phase names, the titles are
board content in the board's language, so they are written out in en/nl/de here rather than
in the gettext catalogues. Kept out of catalog.py, which hot paths import.

Emotions give a fresh board a meaningful curve: a dip while comparing and waiting for the
delivery, highs at first use and when recommending. Opportunities carry no emotion: they
are the team's idea, not something the customer feels.
"""

from .catalog import Channel, Kind


def _card(kind, channel, emotion, en, nl, de):
    return {"kind": kind, "channel": channel, "emotion": emotion, "titles": {"en": en, "nl": nl, "de": de}}


def _touch(channel, emotion, en, nl, de):
    return _card(Kind.TOUCHPOINT, channel, emotion, en, nl, de)


def _pain(channel, emotion, en, nl, de):
    return _card(Kind.PAIN, channel, emotion, en, nl, de)


def _opportunity(channel, en, nl, de):
    return _card(Kind.OPPORTUNITY, channel, None, en, nl, de)


# Cards that fit the same step of both journeys, named once.
SOCIAL_AD = _touch(Channel.ADVERTISING, 0, "Social media ad", "Advertentie op social media", "Social-Media-Anzeige")
FRIEND_TIP = _touch(
    Channel.WORD_OF_MOUTH, 1,
    "Recommendation from a friend", "Tip van een vriend", "Empfehlung von Freunden",
)
SEARCH_AD = _touch(Channel.ADVERTISING, 0, "Google search ad", "Zoekadvertentie in Google", "Google-Suchanzeige")
COMPARISON_SITE = _touch(
    Channel.REVIEWS, 0,
    "Comparison site reviews", "Reviews op een vergelijkingssite", "Bewertungen im Vergleichsportal",
)
STORE_ADVICE = _touch(Channel.STORE, 1, "Store visit with advice", "Winkelbezoek met advies", "Ladenbesuch mit Beratung")
SERVICE_CHAT = _touch(
    Channel.CHAT_EMAIL, 1,
    "Chat with customer service", "Chat met de klantenservice", "Chat mit dem Kundenservice",
)
UNCLEAR_PRICE = _pain(Channel.WEBSITE, -1, "Unclear total price", "Totaalprijs is onduidelijk", "Gesamtpreis unklar")
CHECKOUT = _touch(Channel.WEBSITE, 1, "Webshop checkout", "Afrekenen in de webshop", "Bezahlvorgang im Onlineshop")
ORDER_MAIL = _touch(
    Channel.CHAT_EMAIL, 1,
    "Order confirmation e-mail", "Orderbevestiging per e-mail", "Bestellbestätigung per E-Mail",
)
CHECKOUT_REVIEWS = _opportunity(
    Channel.WEBSITE,
    "Show reviews at checkout", "Reviews tonen bij het afrekenen", "Bewertungen im Checkout zeigen",
)
TRACKING_MAIL = _touch(
    Channel.CHAT_EMAIL, 0,
    "Delivery tracking e-mail", "Track-and-trace-mail", "Sendungsverfolgung per E-Mail",
)
LONG_DELIVERY = _pain(Channel.DELIVERY, -2, "Long delivery time", "Lange levertijd", "Lange Lieferzeit")
INSTALLATION = _touch(
    Channel.DELIVERY, 1,
    "Delivery and installation at home", "Levering en installatie aan huis", "Lieferung und Montage vor Ort",
)
WELCOME_MAIL = _touch(
    Channel.CHAT_EMAIL, 1,
    "Welcome e-mail with first steps", "Welkomstmail met eerste stappen", "Willkommensmail mit ersten Schritten",
)
FIRST_USE = _touch(
    Channel.USE, 2,
    "First use of the product", "Product voor het eerst gebruiken", "Erste Nutzung des Produkts",
)
HOTLINE_WAIT = _pain(
    Channel.PHONE, -1,
    "Long wait on the helpline", "Lang wachten bij de helpdesk", "Lange Warteschleife an der Hotline",
)
SURVEY = _touch(Channel.SURVEY, 0, "Satisfaction survey", "Klanttevredenheidsonderzoek", "Zufriedenheitsumfrage")
LOYALTY_PROGRAMME = _touch(Channel.OTHER, 1, "Loyalty programme", "Loyaliteitsprogramma", "Treueprogramm")
REPEAT_ORDER = _touch(
    Channel.WEBSITE, 1,
    "Repeat order or renewal", "Nabestelling of verlenging", "Nachbestellung oder Verlängerung",
)
RECOMMENDS = _touch(
    Channel.WORD_OF_MOUTH, 2,
    "Recommends us to friends", "Raadt ons aan bij vrienden", "Empfiehlt uns Freunden weiter",
)

# One list of cards per phase, in the order of the template's phases in catalog.TEMPLATES.
EXAMPLES = {
    "customer10": [
        # Latent need: not looking yet; a trigger can come from anywhere. Stories of happy
        # customers feed this step again (seed 004: the journey is a cycle).
        [
            SOCIAL_AD,
            FRIEND_TIP,
            _opportunity(
                Channel.ADVERTISING,
                "Customer stories in ads", "Klantverhalen in advertenties", "Kundenstimmen in Anzeigen",
            ),
        ],
        # Concrete need: interested now, and starts to act.
        [
            SEARCH_AD,
            _touch(
                Channel.WEBSITE, 1,
                "Product page on the website", "Productpagina op de website", "Produktseite auf der Website",
            ),
            _touch(
                Channel.CHAT_EMAIL, 0,
                "Question via contact form", "Vraag via het contactformulier", "Anfrage über das Kontaktformular",
            ),
        ],
        # Orientation: compares products, brands and providers on price, reviews and USPs.
        [
            COMPARISON_SITE,
            _touch(
                Channel.WEBSITE, 0,
                "Comparing prices across webshops", "Prijzen vergelijken tussen webshops", "Preise verschiedener Shops vergleichen",
            ),
            _pain(
                Channel.WEBSITE, -1,
                "Unclear USPs on the website", "Onduidelijke USP's op de website", "Unklare Vorteile auf der Website",
            ),
        ],
        # Consideration: weighs price, quality and service; doubts need answering.
        [STORE_ADVICE, SERVICE_CHAT, UNCLEAR_PRICE],
        # Decision moment: a simple or a complex purchase process.
        [
            _touch(
                Channel.SALES, 1,
                "Sales talk with an advisor", "Verkoopgesprek met een adviseur", "Persönliches Verkaufsgespräch",
            ),
            _touch(Channel.DEMO, 2, "Live product demo", "Live productdemonstratie", "Live-Produktdemo"),
            _pain(
                Channel.SALES, -1,
                "Quote takes days to arrive", "Offerte laat dagen op zich wachten", "Angebot lässt tagelang auf sich warten",
            ),
        ],
        # Purchase: the buyer looks for confirmation of the choice made.
        [CHECKOUT, ORDER_MAIL, CHECKOUT_REVIEWS],
        # Delivery: the time between purchase and delivery is critical.
        [TRACKING_MAIL, LONG_DELIVERY, INSTALLATION],
        # Use: the hand-over from buyer to customer.
        [WELCOME_MAIL, FIRST_USE, HOTLINE_WAIT],
        # Loyalty: buy again or renew; cheaper offers elsewhere tempt customers away.
        [
            SURVEY,
            LOYALTY_PROGRAMME,
            REPEAT_ORDER,
            _pain(
                Channel.ADVERTISING, -1,
                "Cheaper offer from a competitor", "Goedkoper aanbod van een concurrent", "Günstigeres Angebot der Konkurrenz",
            ),
        ],
        # Ambassador: shares good experiences with friends and business contacts.
        [
            RECOMMENDS,
            _touch(
                Channel.REVIEWS, 2,
                "Writes a positive review", "Schrijft een positieve review", "Schreibt eine positive Bewertung",
            ),
            _touch(
                Channel.SOCIAL, 1,
                "Shares experience on social media", "Deelt ervaring op social media", "Teilt Erfahrungen in sozialen Medien",
            ),
            _opportunity(
                Channel.WORD_OF_MOUTH,
                "Reward for referrals", "Beloning voor doorverwijzen", "Prämie für Weiterempfehlungen",
            ),
        ],
    ],
    "customer8": [
        # Awareness: through advertising and recommendations.
        [
            _touch(Channel.ADVERTISING, 0, "Online banner ad", "Online banner", "Online-Werbebanner"),
            _touch(
                Channel.SOCIAL, 0,
                "Sponsored social media post", "Gesponsorde post op social media", "Gesponserter Social-Media-Beitrag",
            ),
            FRIEND_TIP,
        ],
        # Research: online searches and product reviews.
        [
            SEARCH_AD,
            _touch(Channel.REVIEWS, 1, "Reading product reviews", "Productreviews lezen", "Produktbewertungen lesen"),
            _pain(
                Channel.WEBSITE, -1,
                "Missing product information", "Productinformatie ontbreekt", "Fehlende Produktinformationen",
            ),
        ],
        # Consideration: compares with similar products.
        [COMPARISON_SITE, STORE_ADVICE, SERVICE_CHAT, UNCLEAR_PRICE],
        # Purchase.
        [CHECKOUT, ORDER_MAIL, CHECKOUT_REVIEWS],
        # Delivery.
        [TRACKING_MAIL, LONG_DELIVERY, INSTALLATION],
        # Use.
        [WELCOME_MAIL, FIRST_USE, HOTLINE_WAIT],
        # Evaluation: judges the product and decides whether to buy again.
        [
            SURVEY,
            _touch(
                Channel.REVIEWS, 1,
                "Leaves a product review", "Laat een productreview achter", "Gibt eine Produktbewertung ab",
            ),
            _opportunity(
                Channel.SURVEY,
                "Follow up negative feedback", "Negatieve feedback opvolgen", "Auf negatives Feedback reagieren",
            ),
        ],
        # Loyalty: keeps buying; the 8-step journey has no ambassador step, so advocacy is here.
        [
            LOYALTY_PROGRAMME,
            REPEAT_ORDER,
            _opportunity(
                Channel.CHAT_EMAIL,
                "Offers based on past purchases", "Aanbiedingen op basis van eerdere aankopen", "Angebote passend zu früheren Käufen",
            ),
            RECOMMENDS,
        ],
    ],
}


def template_examples(template_key, language):
    """Per phase of the template (by index), its example cards in `language`:
    dicts of title, channel, kind and emotion. Empty for templates without examples."""
    return [
        [
            {
                "title": card["titles"][language],
                "channel": card["channel"].value,
                "kind": card["kind"].value,
                "emotion": card["emotion"],
            }
            for card in phase
        ]
        for phase in EXAMPLES.get(template_key, [])
    ]
