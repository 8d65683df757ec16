"""Joining by QR code: each share link's code (`links/<id>/qr.svg`) and the page that shows
it on the projector (`links/<id>/screen/`), for the board's facilitators.

segno cannot read QR codes back, so the tests compare the image with what segno draws for
the address the link must carry: the same bytes mean the same encoded URL.
"""

import io

import segno

from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Role
from journeyboard.boards.sharing import create_link, revoke_link, set_facilitator
from tests.base import BaseTestCase, MISSING_ID


def segno_svg(url):
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", border=4, omitsize=True, xmldecl=True, svgclass="qr", dark="#1f2a44", light="#ffffff")
    return out.getvalue()


class ShareLinkQrTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.link = create_link(self.owner, self.board, Role.EDITOR)

    def qr_url(self, link=None):
        return self.board_url(f"links/{(link or self.link).pk}/qr.svg")

    def screen_url(self, link=None):
        return self.board_url(f"links/{(link or self.link).pk}/screen/")

    def test_owner_gets_an_svg_encoding_the_absolute_join_url(self):
        self.login(self.owner)
        response = self.client.get(self.qr_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertEqual(response.content, segno_svg(f"http://testserver/join/{self.link.token}/"))
        self.assertIn(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox=', response.content)

    def test_the_address_follows_the_host_the_board_was_opened_on(self):
        self.login(self.owner)
        with self.settings(ALLOWED_HOSTS=["workshop.example.org"]):
            response = self.client.get(self.qr_url(), HTTP_HOST="workshop.example.org", secure=True)
        self.assertEqual(response.content, segno_svg(f"https://workshop.example.org/join/{self.link.token}/"))
        self.assertNotEqual(response.content, segno_svg(f"http://testserver/join/{self.link.token}/"))

    def test_each_link_has_its_own_code(self):
        other = create_link(self.owner, self.board, Role.VIEWER)
        self.login(self.owner)
        first, second = self.client.get(self.qr_url()).content, self.client.get(self.qr_url(other)).content
        self.assertNotEqual(first, second)
        self.assertEqual(second, segno_svg(f"http://testserver/join/{other.token}/"))

    def test_a_facilitator_gets_it_too(self):
        set_facilitator(self.owner, self.board, self.editor.pk, True)
        self.login(self.editor)
        self.assertEqual(self.client.get(self.qr_url()).status_code, 200)
        self.assertEqual(self.client.get(self.screen_url()).status_code, 200)

    def test_editors_and_viewers_are_refused_outsiders_see_nothing(self):
        for user, status in ((self.editor, 403), (self.viewer, 403), (self.outsider, 404)):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.qr_url()).status_code, status)
                self.assertEqual(self.client.get(self.screen_url()).status_code, status)

    def test_signed_out_visitors_are_sent_to_log_in(self):
        response = self.client.get(self.qr_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_revoked_unknown_and_foreign_links_are_404(self):
        other_board_link = create_link(self.outsider, self._outsiders_board(), Role.EDITOR)
        revoked = revoke_link(self.owner, create_link(self.owner, self.board, Role.VIEWER))
        self.login(self.owner)
        for path in (
            self.qr_url(revoked),
            self.board_url(f"links/{MISSING_ID}/qr.svg"),
            self.qr_url(other_board_link),
            self.screen_url(revoked),
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_only_get(self):
        self.login(self.owner)
        self.assertEqual(self.client.post(self.qr_url()).status_code, 405)

    def test_screen_page_shows_the_code_the_address_and_the_title(self):
        self.login(self.owner)
        response = self.client.get(self.screen_url())
        self.assertContains(response, "<h1")
        self.assertContains(response, "Webshop journey")
        self.assertContains(response, f'src="{self.qr_url()}"')
        self.assertContains(response, f'href="http://testserver/join/{self.link.token}/"')
        self.assertContains(response, f">testserver/join/{self.link.token}/</a>")

    def test_members_dialog_lists_a_code_and_a_screen_link_for_each_active_link(self):
        revoked = revoke_link(self.owner, create_link(self.owner, self.board, Role.VIEWER))
        self.login(self.owner)
        response = self.client.get(self.board_url("links/"), HTTP_HX_REQUEST="true")
        self.assertContains(response, f'src="{self.qr_url()}"')
        self.assertContains(response, f'href="{self.screen_url()}"')
        self.assertNotContains(response, self.qr_url(revoked))

    def _outsiders_board(self):
        return create_board(self.outsider, "Elsewhere", template="buyer", language="en")
