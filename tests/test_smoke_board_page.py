from tests.base import BaseTestCase


class BoardPageTests(BaseTestCase):
    def test_owner_sees_lanes_and_cards(self):
        self.login(self.owner)
        response = self.client.get(self.board_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'id="phase-{self.phase.pk}"')
        self.assertContains(response, f'id="card-{self.card.pk}"')
        self.assertContains(response, "Instagram ad")
