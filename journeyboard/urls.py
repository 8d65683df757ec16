from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from journeyboard import converters  # noqa: F401 (registers the `id` path converter)
from journeyboard.accounts.views import LoginView, signup
from journeyboard.boards.views import boards, cards, members, personas, phases, rows, summary, transfer
from journeyboard.boards.views import comments as card_comments
from journeyboard.boards.views import history
from journeyboard.boards.views import sharing
from journeyboard.boards.views import timer as board_timer
from journeyboard.boards.views import ratings, voting
from journeyboard.boards.views import compare as board_compare
from journeyboard.boards.views import future as board_future
from journeyboard.boards.views import versions as board_versions
from journeyboard.export import views as export

# Every id in a URL goes through `id` (converters.py): one past the database's range is a 404.
board = "boards/<id:board_id>/"

urlpatterns = [
    path("", boards.board_list, name="board-list"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links; the icon is one SVG.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg")), name="favicon"),
    path("accounts/signup/", signup, name="signup"),
    # Before Django's own: the same login page, with failed attempts counted (accounts/ratelimit.py).
    path("accounts/login/", LoginView.as_view(), name="login"),
    # Only the account pages the site has templates for and links to: Django's password
    # change and reset views are not offered.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher posts to set_language (i18n/setlang/), which remembers the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    # A share link: open to anyone, it decides itself what to offer (views/sharing.py).
    # Tokens are secrets.token_urlsafe: letters, digits, "-" and "_" (anything else is no link).
    path("join/<slug:token>/", sharing.join, name="join"),
    path("boards/", boards.board_create, name="board-create"),
    path("boards/import/", transfer.board_import, name="board-import"),
    path(board, boards.board_detail, name="board-detail"),
    path(board + "edit/", boards.board_edit, name="board-edit"),
    path(board + "duplicate/", boards.board_duplicate, name="board-duplicate"),
    path(board + "delete/", boards.board_delete, name="board-delete"),
    path(board + "export.json", transfer.board_export_json, name="board-export-json"),
    path(board + "import/", transfer.board_import_cards, name="board-import-cards"),
    path(board + "export.png", export.board_png, name="board-export-png"),
    path(board + "export.pdf", export.board_pdf, name="board-export-pdf"),
    path(board + "export.csv", export.board_csv, name="board-export-csv"),
    path(board + "export.xlsx", export.board_xlsx, name="board-export-xlsx"),
    path(board + "export.md", export.board_markdown, name="board-export-md"),
    path(board + "export.pptx", export.board_pptx, name="board-export-pptx"),
    path(board + "phases/", phases.phase_create, name="phase-create"),
    path(board + "phases/<id:phase_id>/", phases.phase_update, name="phase-update"),
    path(board + "phases/<id:phase_id>/kpi/", phases.phase_kpi, name="phase-kpi"),
    path(board + "phases/<id:phase_id>/move/", phases.phase_move, name="phase-move"),
    path(board + "phases/<id:phase_id>/delete/", phases.phase_delete, name="phase-delete"),
    path(board + "phases/<id:phase_id>/cards/", cards.phase_cards_or_create, name="card-create"),
    path(board + "rows/", rows.row_create, name="row-create"),
    path(board + "rows/<id:row_id>/", rows.row_update, name="row-update"),
    path(board + "rows/<id:row_id>/move/", rows.row_move, name="row-move"),
    path(board + "rows/<id:row_id>/delete/", rows.row_delete, name="row-delete"),
    path(board + "cards/<id:card_id>/", cards.card_detail_or_update, name="card"),
    path(board + "cards/<id:card_id>/edit/", cards.card_edit_form, name="card-edit"),
    path(board + "cards/<id:card_id>/move/", cards.card_move, name="card-move"),
    path(board + "cards/<id:card_id>/delete/", cards.card_delete, name="card-delete"),
    path(board + "cards/<id:card_id>/comments/", card_comments.comment_thread_or_add, name="card-comments"),
    path(board + "comments/<id:comment_id>/delete/", card_comments.comment_delete, name="comment-delete"),
    path(board + "members/", members.member_list_or_add, name="members"),
    path(board + "members/<id:user_id>/delete/", members.member_remove, name="member-remove"),
    path(board + "members/<id:user_id>/facilitator/", sharing.member_facilitator, name="member-facilitator"),
    path(board + "links/", sharing.links, name="share-links"),
    path(board + "links/<id:link_id>/revoke/", sharing.link_revoke, name="share-link-revoke"),
    path(board + "links/<id:link_id>/qr.svg", sharing.link_qr, name="share-link-qr"),
    path(board + "links/<id:link_id>/screen/", sharing.link_screen, name="share-link-screen"),
    path(board + "lock/", sharing.board_lock, name="board-lock"),
    path(board + "personas/", personas.persona_list_or_create, name="personas"),
    path(board + "personas/<id:persona_id>/", personas.persona_detail_or_update, name="persona"),
    path(board + "personas/<id:persona_id>/edit/", personas.persona_edit_form, name="persona-edit"),
    path(board + "personas/<id:persona_id>/delete/", personas.persona_delete, name="persona-delete"),
    path(board + "summary/", summary.board_summary, name="board-summary"),
    path(board + "history/", history.board_history, name="board-history"),
    path(board + "undo/", history.board_undo, name="board-undo"),
    path(board + "redo/", history.board_redo, name="board-redo"),
    path(board + "timer/", board_timer.board_timer, name="board-timer"),
    path(board + "voting/", voting.voting, name="voting"),
    path(board + "voting/close/", voting.voting_close, name="voting-close"),
    path(board + "cards/<id:card_id>/vote/", voting.card_vote, name="card-vote"),
    path(board + "ratings/", ratings.ratings, name="ratings"),
    path(board + "ratings/close/", ratings.ratings_close, name="ratings-close"),
    path(board + "ratings/apply/", ratings.ratings_apply, name="ratings-apply"),
    path(board + "cards/<id:card_id>/rating/", ratings.card_rating, name="card-rating"),
    path(board + "versions/", board_versions.versions, name="versions"),
    path(board + "versions/<id:version_id>/", board_versions.version_detail, name="version"),
    path(board + "versions/<id:version_id>/export.json", board_versions.version_export_json, name="version-export-json"),
    path(board + "versions/<id:version_id>/export.png", export.version_png, name="version-export-png"),
    path(board + "versions/<id:version_id>/export.pdf", export.version_pdf, name="version-export-pdf"),
    path(board + "versions/<id:version_id>/copy/", board_versions.version_copy, name="version-copy"),
    path(board + "versions/<id:version_id>/restore/", board_versions.version_restore, name="version-restore"),
    path(board + "versions/<id:version_id>/delete/", board_versions.version_delete, name="version-delete"),
    path(board + "future/", board_future.board_future, name="board-future"),
    path(board + "compare/", board_compare.board_compare, name="board-compare"),
    path(board + "compare.png", export.compare_png, name="board-compare-png"),
]

handler403 = "journeyboard.boards.views.errors.handler403"
handler404 = "journeyboard.boards.views.errors.handler404"
