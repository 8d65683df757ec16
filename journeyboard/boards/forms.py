from django import forms
from django.utils.translation import gettext_lazy as _

from .catalog import EMOTIONS, LANGUAGES, TEMPLATE_CHOICES
from .models import Board, Card, Phase, Role


class BoardCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Board._meta.get_field("title").max_length)
    template = forms.ChoiceField(label=_("Template"), choices=TEMPLATE_CHOICES, initial="customer10")
    language = forms.ChoiceField(label=_("Language of the board"), choices=LANGUAGES, initial="en")


class BoardEditForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["title", "description"]


class CardForm(forms.ModelForm):
    emotion = forms.TypedChoiceField(
        label=_("Emotion"),
        choices=[("", _("No emotion")), *EMOTIONS],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Card
        fields = ["title", "note", "channel", "emotion", "kind"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "segment", "color"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


class PhaseCreateForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "segment"]


class PositionForm(forms.Form):
    """Positions are 0-based; values past either end are clamped to first/last."""

    position = forms.IntegerField(label=_("Position"))


class CardMoveForm(PositionForm):
    phase = forms.IntegerField(label=_("Phase"))


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.EDITOR, Role.EDITOR.label), (Role.VIEWER, Role.VIEWER.label)])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Journeyboard JSON file"))


def with_current_values(data, instance, fields):
    """Form data where fields the request left out keep the instance's value, so a
    client may post just the fields it changes (`title=...`) without blanking the rest."""
    merged = data.copy()
    for name in fields:
        if name not in merged:
            value = getattr(instance, name)
            merged[name] = "" if value is None else value
    return merged
