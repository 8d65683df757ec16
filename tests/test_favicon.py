"""/favicon.ico, which browsers ask for whatever the page links, leads to the SVG icon."""

from django.test import TestCase


class FaviconTests(TestCase):
    def test_favicon_ico_redirects_to_the_svg_icon_for_anyone(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/static/img/favicon.svg")
        icon = self.client.get(response["Location"])
        self.assertEqual(icon.status_code, 200)
        self.assertIn(b"<svg", b"".join(icon.streaming_content) if icon.streaming else icon.content)
