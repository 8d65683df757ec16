"""The demo board that `make run` sets up: the 10-step customer journey of an online bike shop,
drawn as a small service blueprint."""

from .catalog import template_phases
from .models import Board
from .transfer import FORMAT, import_board

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "journeyboard-demo"
DEMO_TITLE = "E-bike webshop: customer journey"

# The demo is a small service blueprint: what the customer does and feels, the touchpoints
# where the shop meets them (below the line of interaction) and what the shop does out of
# their sight (below the line of visibility).
CUSTOMER, TOUCHPOINT, BACKSTAGE = 0, 1, 2
DEMO_ROWS = [
    {"name": "Customer actions", "layer": "customer", "color": "#4f7cff"},
    {"name": "Touchpoints", "layer": "frontstage", "color": "#2fb67c"},
    {"name": "Behind the scenes", "layer": "backstage", "color": "#f2b233"},
]

# (title, note, channel, emotion, kind, row) per phase of the 10-step template.
DEMO_CARDS = [
    [
        ("Sees a colleague arrive on an e-bike", "Commute by car takes 40 minutes in traffic.", "word_of_mouth", 0, "touchpoint", CUSTOMER),
        ("Instagram ad: 'Ride to work in 20 minutes'", "", "advertising", 1, "touchpoint", TOUCHPOINT),
    ],
    [
        ("Searches 'best e-bike for commuting'", "", "website", 0, "touchpoint", CUSTOMER),
        ("Too many models, no idea where to start", "", "website", -1, "pain", CUSTOMER),
        ("Buying guide ranks first for 'commuter e-bike'", "", "website", 1, "touchpoint", TOUCHPOINT),
    ],
    [
        ("Reads reviews and range tests", "Trusts independent review sites more than our own pages.", "reviews", 1, "touchpoint", CUSTOMER),
        ("Compare tool on the website", "", "website", 1, "opportunity", TOUCHPOINT),
    ],
    [
        ("Price of the premium model feels high", "Lease and instalment options are hard to find.", "website", -1, "pain", CUSTOMER),
        ("Books a test ride in the store", "", "store", 2, "touchpoint", TOUCHPOINT),
        ("Store plans test bikes per size each week", "", "", None, "touchpoint", BACKSTAGE),
    ],
    [
        ("Chat with sales about lease plans", "", "chat_email", 1, "touchpoint", TOUCHPOINT),
        ("Lease partner approves the contract in 2 days", "Customers wait without hearing anything.", "other", -1, "pain", BACKSTAGE),
    ],
    [
        ("Checkout in the webshop", "", "website", 1, "touchpoint", TOUCHPOINT),
        ("Delivery date only shown after payment", "", "website", -2, "pain", TOUCHPOINT),
        ("Stock checked by hand in the warehouse", "", "other", None, "pain", BACKSTAGE),
    ],
    [
        ("Delivery window of a whole day", "", "delivery", -1, "pain", CUSTOMER),
        ("Bike delivered and adjusted at home", "", "delivery", 2, "touchpoint", TOUCHPOINT),
        ("Courier plans the routes the evening before", "", "delivery", None, "idea", BACKSTAGE),
    ],
    [
        ("First ride to work", "", "use", 2, "touchpoint", CUSTOMER),
        ("App shows battery range and service tips", "", "use", 1, "idea", TOUCHPOINT),
    ],
    [
        ("Free service check after 3 months", "", "survey", 1, "touchpoint", TOUCHPOINT),
        ("Satisfaction survey after the service check", "", "survey", 0, "touchpoint", TOUCHPOINT),
        ("Workshop books the service slots", "", "", None, "touchpoint", BACKSTAGE),
    ],
    [
        ("Recommends the shop to colleagues", "", "word_of_mouth", 2, "touchpoint", CUSTOMER),
        ("Referral discount for both", "", "other", None, "opportunity", TOUCHPOINT),
    ],
]


# (name, value, target, unit, lower is better) for some phases, by phase index: buyer
# phases measure conversion, customer phases retention and satisfaction (seed 004).
DEMO_KPIS = {
    1: ("Ad click rate", 1.8, 2.5, "%", False),
    3: ("Test-ride bookings", 46, 40, "/ week", False),
    5: ("Conversion", 3.2, 4, "%", False),
    6: ("Returns", 4.1, 5, "%", True),
    8: ("Retention", 81, 75, "%", False),
    9: ("NPS", 42, 40, "", False),
}


def _kpi(index):
    if index not in DEMO_KPIS:
        return None
    name, value, target, unit, lower = DEMO_KPIS[index]
    return {"name": name, "value": value, "target": target, "unit": unit, "lower_is_better": lower}


def demo_document():
    phases = template_phases("customer10", "en")
    for index, (phase, cards) in enumerate(zip(phases, DEMO_CARDS)):
        phase["kpi"] = _kpi(index)
        phase["cards"] = [
            {"title": t, "note": n, "channel": c, "emotion": e, "kind": k, "row": r} for t, n, c, e, k, r in cards
        ]
    return {
        "format": FORMAT,
        "title": DEMO_TITLE,
        "description": "From latent need to ambassador, mapped in a workshop.",
        "language": "en",
        "ambassador_loop": True,
        "personas": [
            {
                "name": "Sanne",
                "role": "Commuter, 34",
                "goals": "Get to work faster without the car.",
                "frustrations": "Traffic jams, unclear prices.",
                "quote": "I want to arrive fresh, not sweaty.",
                "color": "#7a5af8",
            }
        ],
        "rows": DEMO_ROWS,
        "phases": phases,
    }


def ensure_demo_board(user):
    board = Board.objects.filter(owner=user, title=DEMO_TITLE).first()
    return board or import_board(user, demo_document())
