"""A board as Markdown for a wiki: the journey phase by phase with its touchpoints (kind,
channel, emotion, personas, note), the personas and the KPIs, in the board's language.

Everything people typed is escaped, so a title like `*new* [beta]` reads as typed and a
note cannot start a heading, a list, a table or raw HTML. CommonMark (GitHub, GitLab,
most wikis) lets a backslash escape any ASCII punctuation.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from .snapshot import board_snapshot

# Characters that mean something anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# What only means something at the start of a line: headings, quotes, lists, rules, tables.
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


def escape(text):
    """User text as literal Markdown, line by line; blank lines are kept as paragraph breaks."""
    lines = []
    for line in text.splitlines():
        line = _INLINE.sub(r"\\\1", line.strip())
        match = _LINE_START.match(line)
        if match:
            end = match.end()
            # "1. Item" -> "1\. Item"; "- item" -> "\- item"
            line = line[:end] + "\\" + line[end:] if match.group(1)[0].isdigit() else "\\" + line
        lines.append(line)
    return "\n".join(lines).strip()


def _inline(text):
    """User text inside a line after the export's own markup (a heading, a list item), so
    never at a line's start: line breaks become spaces, only inline specials are escaped."""
    return _INLINE.sub(r"\\\1", " ".join(text.split()))


def _emotion(shot, value):
    if value is None:
        return ""
    sign = f"+{value}" if value > 0 else str(value).replace("-", "−")
    return f"{shot.words['emotions'][value]} ({sign})"


def _kpi(kpi):
    parts = [f"{_inline(kpi.name)}: {_inline(kpi.value)}"]
    if kpi.target:
        status = {"on": _("on target"), "off": _("off target")}.get(kpi.status, "")
        parts.append(f"({_inline(kpi.target)}{', ' + status if status else ''})")
    return f"**{_('KPI')}** " + " ".join(parts)


def _card(shot, card):
    details = [card.kind_label]
    if card.channel_label:
        details.append(f"{_('Channel')}: {card.channel_label}")
    if card.emotion is not None:
        details.append(f"{_('Emotion')}: {_emotion(shot, card.emotion)}")
    if card.personas:
        names = ", ".join(_inline(shot.personas[i].name) for i in card.personas if i < len(shot.personas))
        details.append(f"{_('Personas')}: {names}")
    if card.votes:
        details.append(ngettext("%(counter)s vote", "%(counter)s votes", card.votes) % {"counter": card.votes})
    lines = [f"- **{_inline(card.title) or '–'}** · " + " · ".join(details)]
    if card.note.strip():
        # Indented under the item: a paragraph of the list item, line breaks kept.
        lines.append("")
        lines.extend(f"  {line}  " if line else "" for line in escape(card.note).split("\n"))
    return lines


def _phase(shot, number, phase):
    lines = [f"## {number}. {_inline(phase.name)}", "", f"*{phase.segment_label}*"]
    if phase.kpi:
        lines += ["", _kpi(phase.kpi)]
    lines.append("")
    if phase.cards:
        for card in phase.cards:
            lines += _card(shot, card)
    else:
        lines.append(f"*{_('No cards yet')}*")
    return lines + [""]


def _personas(shot):
    lines = [f"## {_('Personas')}", ""]
    for persona in shot.personas:
        line = f"- **{_inline(persona.name)}**"
        if persona.role.strip():
            line += f", {_inline(persona.role)}"
        if persona.quote.strip():
            line += f": “{_inline(persona.quote)}”"
        lines.append(line)
    return lines + [""]


def render_markdown(board):
    """The board as Markdown text, in the board's language whoever asks."""
    shot = board_snapshot(board)
    with override(shot.language):
        lines = [f"# {_inline(shot.title) or 'Journeyboard'}", ""]
        if shot.description.strip():
            lines += [escape(shot.description), ""]
        if shot.personas:
            lines += _personas(shot)
        if not shot.phases:
            lines += [f"*{shot.words['no_phases']}*", ""]
        for number, phase in enumerate(shot.phases, start=1):
            lines += _phase(shot, number, phase)
        if shot.loop and shot.phases:
            lines += [f"↻ {shot.words['loop']}", ""]
        lines += ["---", "", f"*{shot.words['made_with']}, {shot.day.isoformat()}*"]
    return "\n".join(lines) + "\n"
