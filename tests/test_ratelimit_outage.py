"""Signing in while Redis (the cache holding the login limits) is unreachable.

While the cache is unreachable the limits are not counted, until Redis is back
(journeyboard/accounts/ratelimit.py). tests/test_faults.py signs in against
a real Redis that is stopped.
"""

from unittest import mock

from redis.exceptions import ConnectionError as RedisConnectionError

from tests.base import PASSWORD, BaseTestCase

WRONG_PASSWORD = "Please enter a correct username and password."


def cache_down():
    down = RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    broken = mock.Mock(**{f"{name}.side_effect": down for name in ("get", "add", "incr", "set", "delete")})
    return mock.patch("journeyboard.accounts.ratelimit.cache", broken)


class SignInWithoutTheCacheTests(BaseTestCase):
    def login(self, password):
        return self.client.post("/accounts/login/", {"username": "olivia", "password": password})

    def test_the_right_password_signs_in(self):
        with cache_down(), self.assertLogs("journeyboard", "WARNING") as logged:
            response = self.login(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.owner.pk)
        self.assertIn("login count not reset, the cache is unreachable", "\n".join(logged.output))

    def test_a_wrong_password_gets_the_usual_answer(self):
        with cache_down():
            response = self.login("wrong")
        self.assertContains(response, WRONG_PASSWORD, status_code=200)
        self.assertNotIn("_auth_user_id", self.client.session)
