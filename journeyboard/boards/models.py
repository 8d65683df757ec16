from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalog import EMOTION_MAX, EMOTION_MIN, EMOTIONS, FIRST_ROW_NAMES, LANGUAGES, Channel, Kind, Layer, Segment, label

TITLE_MAX = 200
NOTE_MAX = 5000
DESCRIPTION_MAX = 2000
PHASE_NAME_MAX = 80
ROW_NAME_MAX = 80
ROW_COLOUR = "#8a94a6"
NOTE_PREVIEW = 240
KPI_NAME_MAX = 60
GUEST_NAME_MAX = 60
COMMENT_MAX = 2000
VOTES_MAX = 20
KPI_UNIT_MAX = 12

def text_field(label, max_length, **options):
    """A TextField whose max_length is also checked by full_clean (Django only
    checks it in forms), so imports and services refuse over-long text too."""
    return models.TextField(label, max_length=max_length, validators=[MaxLengthValidator(max_length)], **options)


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))


class Board(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = text_field(_("description"), DESCRIPTION_MAX, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="en")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_boards")
    # Seed 004: loyal customers who recommend the brand bring new buyers into awareness,
    # so the journey is a cycle; drawn as an arrow from the last phase back to the first.
    ambassador_loop = models.BooleanField(_("ambassadors feed awareness again"), default=False)
    # Workshop state: a facilitator locks the board for presenting (read-only for everyone
    # but facilitators) and runs a countdown that every screen shows. The timer lives in
    # the server's clock: running = ends_at set; paused = paused_remaining set.
    locked = models.BooleanField(_("locked"), default=False)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_paused_remaining = models.PositiveIntegerField(null=True, blank=True)  # seconds
    timer_duration = models.PositiveIntegerField(null=True, blank=True)  # seconds, as started
    # Grows by one on every change; clients compare it to know whether they missed something.
    revision = models.PositiveBigIntegerField(default=0)
    # The board this one designs the future of ("Design the future state", future.py):
    # the journey as it is and the one wanted, each page linking to the other.
    future_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="futures")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("board-detail", args=[self.pk])


class Phase(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=PHASE_NAME_MAX)
    position = models.PositiveIntegerField(default=0)
    segment = models.CharField(_("segment"), max_length=10, choices=Segment.choices, default=Segment.BUYER)
    color = models.CharField(_("colour"), max_length=7, default="#4f7cff", validators=[hex_colour])
    # An optional KPI per phase, e.g. "conversion 3.2 % target 4 %" (seed 004: buyer phases
    # measure conversion, customer phases retention and satisfaction).
    kpi_name = models.CharField(_("KPI"), max_length=KPI_NAME_MAX, blank=True)
    kpi_value = models.DecimalField(_("current value"), max_digits=14, decimal_places=4, null=True, blank=True)
    kpi_target = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    kpi_unit = models.CharField(_("unit"), max_length=KPI_UNIT_MAX, blank=True)
    kpi_lower_is_better = models.BooleanField(_("lower is better"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["board", "position"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kpi_target is not None and self.kpi_value is None:
            raise ValidationError({"kpi_value": _("A target needs a current value.")})
        if (self.kpi_value is not None or self.kpi_unit) and not self.kpi_name.strip():
            raise ValidationError({"kpi_name": _("Give the KPI a name, e.g. “conversion”.")})

    @property
    def kpi_status(self):
        """"on" or "off" target, or "" when there is nothing to compare."""
        if self.kpi_value is None or self.kpi_target is None:
            return ""
        if self.kpi_lower_is_better:
            return "on" if self.kpi_value <= self.kpi_target else "off"
        return "on" if self.kpi_value >= self.kpi_target else "off"


class Row(models.Model):
    """A horizontal band of the journey grid (customer actions, touchpoints, backstage…):
    every card sits in one cell, a phase × a row."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="rows")
    name = models.CharField(_("name"), max_length=ROW_NAME_MAX)
    layer = models.CharField(_("layer"), max_length=10, choices=Layer.choices, default=Layer.CUSTOMER)
    color = models.CharField(_("colour"), max_length=7, default=ROW_COLOUR, validators=[hex_colour])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["board", "position"])]

    def __str__(self):
        return self.name


def first_row_id(board_id):
    """The id of a board's first row, made if the board has none (a board made outside the
    services, as some tests and scripts do)."""
    row_id = Row.objects.filter(board_id=board_id).order_by("position", "pk").values_list("pk", flat=True).first()
    if row_id is None:
        language = Board.objects.filter(pk=board_id).values_list("language", flat=True).first() or "en"
        row_id = Row.objects.create(board_id=board_id, name=FIRST_ROW_NAMES.get(language, FIRST_ROW_NAMES["en"])).pk
    return row_id


class CardQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # A card made without a row goes to its board's first row (one query per board).
        objs = list(objs)
        firsts = {}
        for card in objs:
            if card.row_id is None and card.phase_id is not None:
                board_id = card.phase.board_id
                if board_id not in firsts:
                    firsts[board_id] = first_row_id(board_id)
                card.row_id = firsts[board_id]
        return super().bulk_create(objs, *args, **kwargs)


class Card(models.Model):
    """A touchpoint (or a pain point, opportunity or idea) in one cell: a phase × a row."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="cards")
    # Blank: a card made without a row goes to its board's first row (save, bulk_create).
    row = models.ForeignKey(Row, on_delete=models.CASCADE, related_name="cards", blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    note = text_field(_("note"), NOTE_MAX, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    emotion = models.SmallIntegerField(
        _("emotion"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EMOTION_MIN), MaxValueValidator(EMOTION_MAX)],
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TOUCHPOINT)
    # Whose touchpoint it is: any of its board's personas (boards/card_personas.py keeps them
    # on the same board). Deleting a persona removes its tags.
    personas = models.ManyToManyField("Persona", related_name="cards", blank=True, verbose_name=_("personas"))
    position = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["phase", "position"]), models.Index(fields=["phase", "row", "position"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.row_id is None and self.phase_id is not None:
            self.row_id = first_row_id(self.phase.board_id)
        super().save(*args, **kwargs)

    # Labels for the card partial, cheap enough to call for thousands of cards.
    @property
    def kind_label(self):
        return label(Kind, self.kind)

    @property
    def channel_label(self):
        return label(Channel, self.channel)

    @property
    def emotion_label(self):
        return label(EMOTIONS, self.emotion)

    @property
    def note_preview(self):
        return note_preview(self.note)

    @property
    def persona_chips(self):
        """The card's personas for its chips, in the board's order: those set by whoever
        loaded the card (`chips`), else read (one query); none for an unsaved card."""
        if not hasattr(self, "chips"):  # read once: the partial asks twice (chips, data-personas)
            self.chips = list(self.personas.order_by("pk")) if self.pk else []
        return self.chips


def note_preview(note):
    """A note as a card shows it: long notes end in an ellipsis (the editor has it all)."""
    return note if len(note) <= NOTE_PREVIEW else note[: NOTE_PREVIEW - 1].rstrip() + "…"


class Persona(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    goals = text_field(_("goals"), 2000, blank=True)
    frustrations = text_field(_("frustrations"), 2000, blank=True)
    quote = models.CharField(_("quote"), max_length=300, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#7a5af8", validators=[hex_colour])

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def initials(self):
        """Up to two letters for the avatar: "Sanne de Vries" -> "SV", "Jürgen" -> "JÜ"."""
        # Letters only: "Jürgen Müller 😀" is "JM", not "J😀".
        words = [word for word in ("".join(c for c in w if c.isalnum()) for w in self.name.split()) if word]
        if len(words) >= 2:
            return (words[0][0] + words[-1][0]).upper()
        return words[0][:2].upper() if words else "?"


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    # Owners are always facilitators; they may promote other members (lock, voting, timer, follow).
    facilitator = models.BooleanField(_("facilitator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="one_membership_per_user")]
        ordering = ["created_at", "pk"]

    @property
    def can_write(self):
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self):
        return self.role == Role.OWNER

    @property
    def is_facilitator(self):
        return self.is_owner or self.facilitator


class BoardEvent(models.Model):
    """One recorded change: what later history, undo and resync build on."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="events")
    revision = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    # An undo is recorded as a change of its own that reverts an earlier event (a redo
    # reverts the undo); history shows both, undo stacks follow these links.
    reverts = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverted_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision"]
        indexes = [models.Index(fields=["board", "revision"])]


class ShareLink(models.Model):
    """A link the owner hands out: whoever opens it joins the board with `role`, signed in
    or as a guest. Revoking keeps the row (the owner sees what was shared) but it grants
    nothing any more."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=10, choices=[(Role.EDITOR, Role.EDITOR.label), (Role.VIEWER, Role.VIEWER.label)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Guest(models.Model):
    """A user made by a share link for someone with only a display name: a member of
    that one board and nothing else (no board list, no new boards)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="guest")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="guests")
    display_name = models.CharField(_("name"), max_length=GUEST_NAME_MAX)
    link = models.ForeignKey(ShareLink, null=True, on_delete=models.SET_NULL, related_name="guests")
    created_at = models.DateTimeField(auto_now_add=True)


class VotingRound(models.Model):
    """Dot voting: every member may give up to `votes_per_person` votes (one per card) until
    the round closes; with hidden results nobody sees counts before that."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="voting_rounds")
    votes_per_person = models.PositiveSmallIntegerField(_("votes per person"), validators=[MinValueValidator(1), MaxValueValidator(VOTES_MAX)])
    hidden_results = models.BooleanField(_("hide results until the end"), default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # At most one open round per board.
            models.UniqueConstraint(fields=["board"], condition=models.Q(closed_at__isnull=True), name="one_open_round_per_board"),
        ]


class Vote(models.Model):
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="votes")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "card", "user"], name="one_vote_per_card_and_person")]


class Comment(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = text_field(_("comment"), COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class EmotionRound(models.Model):
    """An emotion rating round: every member who may edit rates the cards of some phases (all
    when `phases` is empty) from -2 to +2 until the round closes; with hidden results nobody
    sees more than how many rated a card before that."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="emotion_rounds")
    phases = models.JSONField(_("phases"), default=list, blank=True)  # phase ids; empty: every phase
    hidden_results = models.BooleanField(_("hide results until the end"), default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["board"], condition=models.Q(closed_at__isnull=True), name="one_open_emotion_round_per_board"),
        ]

    def covers(self, phase_id):
        return not self.phases or phase_id in self.phases


class EmotionRating(models.Model):
    round = models.ForeignKey(EmotionRound, on_delete=models.CASCADE, related_name="ratings")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="emotion_ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(validators=[MinValueValidator(EMOTION_MIN), MaxValueValidator(EMOTION_MAX)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "card", "user"], name="one_rating_per_card_and_person")]


VERSION_NAME_MAX = 80


class BoardVersion(models.Model):
    """The board as it was when someone saved it under a name ("As is — workshop 1"):
    its JSON export (transfer.export_board), so whatever the format carries comes along."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=VERSION_NAME_MAX)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField()
    revision = models.PositiveBigIntegerField()  # the board's revision it shows
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
