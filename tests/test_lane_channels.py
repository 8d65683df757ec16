"""Channels on the board page: every card shows its channel as an icon and a label, and
each lane's footer counts all of the lane's cards by channel, kept up to date for everyone
by the HTTP answers to card changes and by their broadcasts."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from journeyboard.asgi import application
from journeyboard.boards.cards import create_card, delete_card, move_card, update_card
from journeyboard.boards.catalog import Channel
from journeyboard.boards.lifecycle import create_board
from journeyboard.boards.models import Card, Membership, Role
from journeyboard.boards.rendering import LANE_PAGE, card_alterations, lane_tallies, load_phases
from journeyboard.realtime.origin import new_client_id
from tests.base import HTMX, BaseTestCase, BoardChangeTestCase, make_user
from tests.realtime import site_headers

FOOTER = re.compile(r'<footer id="channels-(\d+)" class="lane-channels"([^>]*)>(.*?)</footer>', re.S)
CHIP = re.compile(
    r'<span class="lane-channel" data-channel="([a-z_]+)" role="img" title="([^"]*)">'
    r'<svg class="channel-icon"[^>]*><use href="#channel-([a-z_]+)"/></svg>(\d+)</span>'
)
CARD_CHANNEL = re.compile(
    r'<article id="card-(\d+)".*?(?:<p class="card-channel"><svg class="channel-icon"[^>]*>'
    r'<use href="#channel-([a-z_]+)"/></svg>([^<]*)</p>\s*)?</article>',
    re.S,
)


def footers(html):
    """{phase id: (out of band?, hidden?, [(channel, count)])} of every lane footer in `html`.

    Each chip's icon and title (its accessible name) must agree with its channel and count."""
    found = {}
    for phase_id, attrs, body in FOOTER.findall(html):
        chips = []
        for channel, title, icon, count in CHIP.findall(body):
            assert icon == channel, (icon, channel)
            assert title == f"{dict(Channel.choices)[channel]}: {count}", title
            chips.append((channel, int(count)))
        assert len(chips) == body.count('class="lane-channel"'), body
        found[int(phase_id)] = ('hx-swap-oob="true"' in attrs, " hidden" in attrs, chips)
    return found


def card_channels(html):
    """{card id: (icon, label)} for every card in `html`; ("", "") for a card without a channel."""
    return {int(pk): (icon, label) for pk, icon, label in CARD_CHANNEL.findall(html)}


def add_cards(phase, *channels, start=None):
    """Cards at the end of `phase`, one per channel given ("" for none); bulk, for long lanes."""
    start = Card.objects.filter(phase=phase).count() if start is None else start
    Card.objects.bulk_create(
        Card(phase=phase, title=f"Card {start + n}", channel=channel, position=start + n)
        for n, channel in enumerate(channels)
    )


class BoardPageChannelTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        # Lane 0: the ad (advertising) plus website, phone, website, none, website.
        # Lane 1: nothing. Lane 2: one card without a channel.
        add_cards(self.phase, "website", "phone", "website", "", "website")
        add_cards(self.phases[2], "")

    def page(self, user=None):
        self.login(user or self.viewer)
        response = self.client.get(self.board_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_every_card_shows_its_channel_icon_and_label(self):
        html = self.page()
        expected = {
            card.pk: (card.channel, dict(Channel.choices)[card.channel] if card.channel else "")
            for card in Card.objects.filter(phase__board=self.board)
        }
        self.assertEqual(card_channels(html), expected)
        # Every icon a card can point at is drawn once on the page.
        for value in Channel.values:
            self.assertEqual(html.count(f'<symbol id="channel-{value}" '), 1, value)

    def test_each_lane_footer_counts_its_cards_by_channel_in_catalog_order(self):
        first, empty, unlabelled = self.phases
        self.assertEqual(
            footers(self.page()),
            {
                first.pk: (False, False, [("advertising", 1), ("website", 3), ("phone", 1)]),
                empty.pk: (False, True, []),  # no cards: the footer is there for updates, but hidden
                unlabelled.pk: (False, True, []),  # cards, but none with a channel
            },
        )

    def test_a_footer_counts_the_cards_beyond_the_first_page_too(self):
        long_lane = self.phases[1]
        add_cards(long_lane, *["website"] * LANE_PAGE, *["survey"] * 20, *["store"] * 5)
        expected = (False, False, [("website", 100), ("store", 5), ("survey", 20)])
        html = self.page()
        self.assertIn(f"Show all {LANE_PAGE + 25} cards", html)  # the surveys and stores are not shown...
        self.assertEqual(footers(html)[long_lane.pk], expected)
        # ...and the whole lane, on request, has the same footer.
        self.login(self.viewer)
        lane = self.client.get(self.board_url(f"phases/{long_lane.pk}/cards/"), **HTMX).content.decode()
        self.assertEqual(footers(lane), {long_lane.pk: expected})

    def test_the_footer_helper_gives_channel_label_and_count(self):
        lanes = load_phases(self.board)
        self.assertEqual(
            lanes[0].channels,
            [
                ("advertising", "Advertising / campaign", 1),
                ("website", "Website / webshop", 3),
                ("phone", "Phone support", 1),
            ],
        )
        self.assertEqual([lane.channels for lane in lanes[1:]], [[], []])

    def test_footers_cost_no_query_of_their_own(self):
        def queries(board):
            self.login(self.owner)
            with CaptureQueriesContext(connection) as captured:
                html = self.client.get(f"/boards/{board.pk}/").content.decode()
            return len(captured), html

        small = create_board(self.owner, "Small", template="buyer", language="en")
        small_count, _ = queries(small)
        # Every channel twice in every lane, and a long lane.
        for phase in self.board.phases.all():
            add_cards(phase, *Channel.values, *Channel.values)
        add_cards(self.phases[1], *["demo"] * (LANE_PAGE + 10))
        large_count, html = queries(self.board)
        self.assertEqual(small_count, large_count)
        self.assertEqual(len(footers(html)[self.phases[1].pk][2]), len(Channel.values))
        with self.assertNumQueries(4):  # phases with their counts, the rows, their cards and their cards' personas
            load_phases(self.board)
        with self.assertNumQueries(1):
            lane_tallies(counted=[p.pk for p in self.phases], channelled=[p.pk for p in self.phases])


class CardChangeFooterTests(BoardChangeTestCase):
    """Each HTTP answer to a card change carries the footers of the lanes it touched, out of band."""

    def setUp(self):
        super().setUp()
        self.first, self.second, self.third = self.phases
        self.site = create_card(self.owner, self.second, title="Product page", channel="website")

    def answer_footers(self, response):
        self.assertEqual(response.status_code, 200)
        return footers(response.content.decode())

    def test_creating_a_card_updates_its_lanes_footer(self):
        response = self.post(f"phases/{self.first.pk}/cards/", {"title": "Showroom", "channel": "store"})
        self.assertEqual(
            self.answer_footers(response), {self.first.pk: (True, False, [("advertising", 1), ("store", 1)])}
        )

    def test_changing_a_cards_channel_updates_its_lanes_footer(self):
        response = self.post(f"cards/{self.card.pk}/", {"channel": "phone"})
        self.assertEqual(self.answer_footers(response), {self.first.pk: (True, False, [("phone", 1)])})
        response = self.post(f"cards/{self.card.pk}/", {"channel": ""})
        self.assertEqual(self.answer_footers(response), {self.first.pk: (True, True, [])})

    def test_moving_a_card_updates_both_lanes_footers(self):
        response = self.post(f"cards/{self.card.pk}/move/", {"phase": self.second.pk, "position": 0})
        self.assertEqual(
            self.answer_footers(response),
            {
                self.first.pk: (True, True, []),
                self.second.pk: (True, False, [("advertising", 1), ("website", 1)]),
            },
        )

    def test_deleting_a_card_updates_its_lanes_footer(self):
        response = self.post(f"cards/{self.site.pk}/delete/")
        self.assertEqual(self.answer_footers(response), {self.second.pk: (True, True, [])})

    def test_a_lane_rendered_whole_has_its_footer(self):
        # Editing a phase answers with its whole lane; adding one with the whole board body.
        response = self.post(f"phases/{self.second.pk}/", {"name": "Comparison"})
        self.assertEqual(self.answer_footers(response), {self.second.pk: (False, False, [("website", 1)])})
        response = self.post("phases/", {"name": "Onboarding", "segment": "customer"})
        found = self.answer_footers(response)
        self.assertEqual(found[self.first.pk], (False, False, [("advertising", 1)]))
        self.assertEqual(found[self.second.pk], (False, False, [("website", 1)]))
        self.assertEqual(found[self.third.pk], (False, True, []))
        self.assertEqual(len(found), 4)


# --- broadcasts -------------------------------------------------------------------------
# Transactional, as in tests/realtime.py: the consumer reads the database from another
# thread, and the services' broadcasts go out when their own transaction commits.

TIMEOUT = 3
QUIET = 0.2


class Stage:
    def __init__(self):
        self.owner = make_user("olivia")
        self.viewer = make_user("vera")
        self.board = create_board(self.owner, "Webshop journey", template="buyer", language="en")
        Membership.objects.create(board=self.board, user=self.viewer, role=Role.VIEWER)
        self.first, self.second, _ = self.board.phases.order_by("position")
        self.ad = create_card(self.owner, self.first, title="Instagram ad", channel="advertising")
        self.plain = create_card(self.owner, self.first, title="Newsletter")
        self.site = create_card(self.owner, self.second, title="Product page", channel="website")
        client = Client()
        client.force_login(self.viewer)
        self.session = client.cookies["sessionid"].value


@pytest.fixture
def stage():
    return Stage()


async def viewer_tab(stage):
    headers = site_headers(stage.session)
    ws = WebsocketCommunicator(application, f"/ws/boards/{stage.board.pk}/?client={new_client_id()}", headers=headers)
    assert (await ws.connect(timeout=TIMEOUT))[0]
    return ws


async def broadcast_after(ws, service, *args, **kwargs):
    """The HTML the open tab receives for one service call (made as no tab, so every tab gets it)."""
    await sync_to_async(service)(*args, **kwargs)
    html = await ws.receive_from(timeout=TIMEOUT)
    assert not html.startswith("{"), html
    return html


async def finish(ws):
    assert await ws.receive_nothing(timeout=QUIET)
    await ws.disconnect(timeout=TIMEOUT)


@pytest.mark.django_db(transaction=True)
async def test_broadcasts_carry_the_footers_a_change_altered(stage):
    ws = await viewer_tab(stage)
    first, second = stage.first.pk, stage.second.pk

    html = await broadcast_after(ws, create_card, stage.owner, stage.first, title="Call centre", channel="phone")
    assert footers(html) == {first: (True, False, [("advertising", 1), ("phone", 1)])}

    html = await broadcast_after(ws, update_card, stage.owner, stage.ad, channel="social")
    assert footers(html) == {first: (True, False, [("social", 1), ("phone", 1)])}

    html = await broadcast_after(ws, move_card, stage.owner, stage.ad, stage.second, 0)
    assert footers(html) == {
        first: (True, False, [("phone", 1)]),
        second: (True, False, [("website", 1), ("social", 1)]),  # in catalog order
    }

    html = await broadcast_after(ws, delete_card, stage.owner, stage.site)
    assert footers(html) == {second: (True, False, [("social", 1)])}
    await finish(ws)


@pytest.mark.django_db(transaction=True)
async def test_broadcasts_leave_footers_alone_when_no_channel_count_changed(stage):
    # Every page gets every broadcast: the footers go out only when they changed.
    ws = await viewer_tab(stage)
    for service, args, kwargs in [
        (update_card, (stage.owner, stage.ad), {"title": "Instagram reel", "emotion": 2}),
        (create_card, (stage.owner, stage.first), {"title": "Flyer"}),
        (move_card, (stage.owner, stage.plain, stage.second, 0), {}),  # a card without a channel
        (move_card, (stage.owner, stage.ad, stage.first, 1), {}),  # within its lane
        (delete_card, (stage.owner, stage.plain), {}),
    ]:
        html = await broadcast_after(ws, service, *args, **kwargs)
        assert 'id="board-revision"' in html and footers(html) == {}, service.__name__
    await finish(ws)


@pytest.mark.parametrize(
    "before, after, channelled, curve",
    [
        pytest.param(None, (1, "", None), [], False, id="a plain card created"),
        pytest.param(None, (1, "phone", 0), [1], True, id="a card with channel and emotion created"),
        pytest.param((1, "phone", 1), (1, "phone", 1), [], False, id="its title or note edited"),
        pytest.param((1, "phone", 1), (1, "website", 1), [1], False, id="another channel"),
        pytest.param((1, "phone", 1), (1, "phone", -1), [], True, id="another emotion"),
        pytest.param((1, "phone", 1), (1, "phone", None), [], True, id="its emotion taken away"),
        pytest.param((1, "phone", 1), (1, "phone", 1), [], False, id="moved within its lane"),
        pytest.param((1, "phone", 1), (2, "phone", 1), [1, 2], True, id="moved to another lane"),
        pytest.param((1, "", None), (2, "", None), [], False, id="a plain card moved to another lane"),
        pytest.param((1, "phone", None), None, [1], False, id="deleted"),
    ],
)
def test_what_a_card_change_alters_beside_the_card(before, after, channelled, curve):
    assert card_alterations(before, after) == (channelled, curve)
