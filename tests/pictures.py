"""Board pictures built by hand for the export tests: each test says exactly which board it draws."""

import io
from datetime import date

from PIL import Image

from journeyboard.export.snapshot import BoardShot, CardShot, PersonaShot, PhaseShot

WORDS = {
    "emotion_curve": "Emotion curve",
    "persona": "Persona",
    "legend": "Legend",
    "no_phases": "This board has no phases yet.",
    "emotions": {-2: "Very negative", -1: "Negative", 0: "Neutral", 1: "Positive", 2: "Very positive"},
    "kinds": {"touchpoint": "Touchpoint", "pain": "Pain point", "opportunity": "Opportunity", "idea": "Idea"},
    "segments": {"buyer": "Buyer journey", "customer": "Customer journey"},
    "made_with": "Made with Journeyboard",
}
KIND_LABELS = {"touchpoint": "Touchpoint", "pain": "Pain point", "opportunity": "Opportunity", "idea": "Idea"}
COLOURS = ["#4f7cff", "#12a4b8", "#2fb67c", "#f2b233", "#e8575a", "#8a63d2"]


def card(title="Reads the reviews", note="", kind="touchpoint", emotion=None, channel="website"):
    return CardShot(title, note, channel, "Website / webshop" if channel else "", kind, KIND_LABELS[kind], emotion)


def phase(name, cards=(), segment="buyer", color=None):
    label = WORDS["segments"][segment]
    return PhaseShot(name, segment, label, color or COLOURS[len(name) % len(COLOURS)], list(cards))


def board(phases, title="Webshop journey", personas=None, description="Mapped in the spring workshop."):
    if personas is None:
        personas = [PersonaShot("Sanne de Vries", "Commuter, 34", "I want to arrive fresh.")]
    return BoardShot(title, description, "en", date(2026, 5, 12), personas, phases, WORDS)


def emotional_board(*emotions):
    """One phase per entry: a list of card emotions (None: a card without one)."""
    return board([
        phase(f"Phase {i}", [card(f"Card {i}.{j}", emotion=e) for j, e in enumerate(cards)], color=COLOURS[i % 6])
        for i, cards in enumerate(emotions)
    ])


def decode(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image.convert("RGB")


def close(a, b, tolerance=3):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))
