from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .catalog import EMOTIONS, LANGUAGES, TEMPLATE_CHOICES, Channel
from .models import GUEST_NAME_MAX, Board, Card, Persona, Phase, Role, Row


class BoardCreateForm(forms.Form):
    # Optional only when a persona is named: the board is then called after them.
    title = forms.CharField(label=_("Title"), max_length=Board._meta.get_field("title").max_length, required=False)
    template = forms.ChoiceField(label=_("Template"), choices=TEMPLATE_CHOICES, initial="customer10")
    # The reader's language to start with (called per form): their board's phases and examples are written in it.
    language = forms.ChoiceField(label=_("Language of the board"), choices=LANGUAGES, initial=get_language)
    # Ignored by templates without examples (buyer, blank); the label says which have them.
    examples = forms.BooleanField(label=_("Add example touchpoints (10- and 8-step journeys)"), required=False)
    persona_name = forms.CharField(label=_("Persona name"), max_length=Persona._meta.get_field("name").max_length, required=False)
    persona_role = forms.CharField(label=_("Persona role"), max_length=Persona._meta.get_field("role").max_length, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and not cleaned.get("persona_name") and "title" not in self.errors:
            self.add_error("title", self.fields["title"].error_messages["required"])
        if cleaned.get("persona_role") and not cleaned.get("persona_name") and "persona_name" not in self.errors:
            self.add_error("persona_name", _("Give the persona a name, or leave the role empty."))
        return cleaned


class BoardEditForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["title", "description", "ambassador_loop"]


class CardForm(forms.ModelForm):
    # The empty choice says what it means (Django's default is "---------").
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("No channel")), *Channel.choices], required=False)
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


class NumberField(forms.DecimalField):
    """A decimal typed the Dutch/German way ("3,2") or the English way ("3.2")."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "")
            if "," in value and "." in value:
                # The last separator is the decimal one: "1.234,5" and "1,234.5".
                thousands = "." if value.rfind(",") > value.rfind(".") else ","
                value = value.replace(thousands, "")
            value = value.replace(",", ".")
        return super().to_python(value)


class PhaseKpiForm(forms.ModelForm):
    """A phase's KPI. Every field is posted; all empty removes the KPI."""

    kpi_value = NumberField(label=_("Current value"), required=False, max_digits=14, decimal_places=4)
    kpi_target = NumberField(label=_("Target"), required=False, max_digits=14, decimal_places=4)

    class Meta:
        model = Phase
        fields = ["kpi_name", "kpi_value", "kpi_target", "kpi_unit", "kpi_lower_is_better"]


class PhaseCreateForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "segment"]


class PersonaForm(forms.ModelForm):
    # Not required: left empty, a new persona takes the next avatar colour
    # (personas.create_persona) and an existing one keeps its own.
    color = forms.CharField(label=_("Colour"), max_length=7, required=False, widget=forms.TextInput(attrs={"type": "color"}))

    class Meta:
        model = Persona
        fields = ["name", "role", "goals", "frustrations", "quote", "color"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 3}), "frustrations": forms.Textarea(attrs={"rows": 3})}

    def clean_color(self):
        return self.cleaned_data["color"] or (self.instance.color if self.instance.pk else "")


class PositionForm(forms.Form):
    """Positions are 0-based; values past either end are clamped to first/last."""

    position = forms.IntegerField(label=_("Position"))


class CardMoveForm(PositionForm):
    phase = forms.IntegerField(label=_("Phase"))
    # The row of the target cell: left out, the card keeps its row.
    row = forms.IntegerField(label=_("Row"), required=False)


class CardRowForm(forms.Form):
    """The optional row of a new card (left out: the board's first row)."""

    row = forms.IntegerField(label=_("Row"), required=False)


class RowForm(forms.ModelForm):
    """A row's name, layer and colour; a new row left without a colour takes the default."""

    color = forms.CharField(label=_("Colour"), max_length=7, required=False)

    class Meta:
        model = Row
        fields = ["name", "layer", "color"]

    def clean_name(self):
        # One line, whatever was pasted into the head's wrapping field.
        return " ".join(self.cleaned_data["name"].split())

    def clean_color(self):
        return self.cleaned_data["color"] or (self.instance.color if self.instance.pk else Row._meta.get_field("color").default)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.EDITOR, Role.EDITOR.label), (Role.VIEWER, Role.VIEWER.label)])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Journeyboard JSON file"))


class ShareLinkForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.EDITOR, Role.EDITOR.label), (Role.VIEWER, Role.VIEWER.label)])


class GuestForm(forms.Form):
    """The name a guest joins with (sharing.clean_guest_name checks it again, and folds spaces)."""

    display_name = forms.CharField(label=_("Your name"), max_length=GUEST_NAME_MAX)


def with_current_values(data, instance, fields):
    """Form data where fields the request left out keep the instance's value, so a
    client may post just the fields it changes (`title=...`) without blanking the rest."""
    merged = data.copy()
    for name in fields:
        if name not in merged:
            value = getattr(instance, name)
            merged[name] = "" if value is None else value
    return merged
