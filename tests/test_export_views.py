"""The picture downloads over HTTP: who may have them, what they are called, bad scales."""

import io

from django.utils import timezone
from PIL import Image

from tests.base import BaseTestCase


class ExportDownloadTests(BaseTestCase):
    def png(self, user, query=""):
        self.login(user)
        return self.client.get(self.board_url(f"export.png{query}"))

    def test_every_member_downloads_a_png_named_after_the_board_and_day(self):
        for user in (self.owner, self.editor, self.viewer):
            with self.subTest(user.username):
                response = self.png(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "image/png")
                day = timezone.localdate().isoformat()
                self.assertEqual(response["Content-Disposition"], f'attachment; filename="webshop-journey-{day}.png"')
                self.assertEqual(Image.open(io.BytesIO(response.content)).format, "PNG")

    def test_scale_sets_the_size_and_defaults_to_two(self):
        sizes = {}
        for query in ("?scale=1", "?scale=2", "?scale=3", ""):
            image = Image.open(io.BytesIO(self.png(self.viewer, query).content))
            sizes[query] = image.size
        width, height = sizes["?scale=1"]
        self.assertEqual(sizes["?scale=2"], (2 * width, 2 * height))
        self.assertEqual(sizes["?scale=3"], (3 * width, 3 * height))
        self.assertEqual(sizes[""], sizes["?scale=2"])

    def test_an_unknown_scale_is_a_clear_400(self):
        for query in ("?scale=4", "?scale=0", "?scale=abc", "?scale=2.5", "?scale="):
            with self.subTest(query):
                response = self.png(self.owner, query)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.content.decode(), "scale must be 1, 2 or 3.")

    def test_pdf_is_one_landscape_page(self):
        self.login(self.viewer)
        response = self.client.get(self.board_url("export.pdf"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].endswith('.pdf"'))
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page "), 1)

    def test_outsiders_get_404_and_anonymous_users_the_login_page(self):
        for path in ("export.png", "export.pdf"):
            with self.subTest(path):
                self.login(self.outsider)
                self.assertEqual(self.client.get(self.board_url(path)).status_code, 404)
                self.client.logout()
                response = self.client.get(self.board_url(path))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/accounts/login/"))

    def test_a_title_without_letters_still_gives_a_file_name(self):
        self.board.title = "💡💡"
        self.board.save()
        response = self.png(self.owner, "?scale=1")
        self.assertRegex(response["Content-Disposition"], r'filename="journeyboard-\d{4}-\d{2}-\d{2}\.png"')

    def test_the_board_page_offers_the_exports(self):
        self.login(self.viewer)
        page = self.client.get(self.board_url()).content.decode()
        for href in ("export.png?scale=2", "export.pdf", "export.json"):
            self.assertIn(f'href="/boards/{self.board.pk}/{href}"', page)
        self.assertIn(f'data-copy-link="/boards/{self.board.pk}/export.png?scale=2"', page)
