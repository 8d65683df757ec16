"""Login and signup rate limits (journeyboard/accounts/ratelimit.py).

Each test starts with an empty cache (tests/conftest.py). Addresses are set per request
through REMOTE_ADDR, which is where the limits read them from.
"""

from django.contrib.auth import get_user_model

from journeyboard.accounts.ratelimit import LOGIN_FAILURES, SIGNUPS
from tests.base import PASSWORD, BaseTestCase

HOME = "10.0.0.1"
CAFE = "10.0.0.2"
WRONG_PASSWORD = "Please enter a correct username and password."
TOO_MANY_LOGINS = "Too many failed logins for this username. Please wait 15 minutes and try again."
TOO_MANY_SIGNUPS = "Too many sign-ups from your network. Please try again in an hour."


class LoginRateLimitTests(BaseTestCase):
    def login(self, username="olivia", password=PASSWORD, address=HOME):
        return self.client.post(
            "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times, username="olivia", address=HOME):
        for attempt in range(times):
            response = self.login(username, "wrong", address)
            self.assertContains(response, WRONG_PASSWORD, status_code=200, msg_prefix=f"attempt {attempt + 1}")

    def assertRefused(self, response):
        self.assertContains(response, TOO_MANY_LOGINS, status_code=429)
        self.assertNotContains(response, WRONG_PASSWORD, status_code=429)
        self.assertEqual(response["Retry-After"], "900")
        # Shown inside the login form, which keeps the username.
        self.assertContains(response, 'value="olivia"', status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_eleventh_failure_is_refused(self):
        self.assertEqual(LOGIN_FAILURES.limit, 10)
        self.fail(10)
        self.assertRefused(self.login(password="still wrong"))

    def test_once_refused_even_the_right_password_is_refused(self):
        """Otherwise a guesser would learn which guess was right from the answer."""
        self.fail(10)
        self.assertRefused(self.login())

    def test_the_count_is_per_username_and_address(self):
        self.fail(10)
        # Another address for the same username, and another username from the same address.
        self.assertRedirects(self.login(address=CAFE), "/", fetch_redirect_response=False)
        self.client.logout()
        self.assertRedirects(self.login("emil"), "/", fetch_redirect_response=False)
        self.client.logout()
        self.assertRefused(self.login())

    def test_a_successful_login_starts_the_count_again(self):
        self.fail(9)
        self.assertRedirects(self.login(), "/", fetch_redirect_response=False)
        self.client.logout()
        self.fail(10)
        self.assertRefused(self.login())

    def test_a_form_without_password_is_not_a_failure(self):
        for _ in range(12):
            response = self.client.post("/accounts/login/", {"username": "olivia"}, REMOTE_ADDR=HOME)
            self.assertEqual(response.status_code, 200)
        self.assertRedirects(self.login(), "/", fetch_redirect_response=False)


class SignupRateLimitTests(BaseTestCase):
    def signup(self, username, password2=PASSWORD, address=HOME):
        return self.client.post(
            "/accounts/signup/",
            {"username": username, "password1": PASSWORD, "password2": password2},
            REMOTE_ADDR=address,
        )

    def test_the_twenty_first_signup_from_one_address_is_refused(self):
        self.assertEqual(SIGNUPS.limit, 20)
        for n in range(20):
            # Refused forms count too: each one costs the server the password checks.
            response = self.signup(f"person{n}", password2="a typo" if n % 2 else PASSWORD)
            self.assertEqual(response.status_code, 422 if n % 2 else 302, n)
            self.client.logout()

        response = self.signup("one-too-many")
        self.assertContains(response, TOO_MANY_SIGNUPS, status_code=429)
        self.assertEqual(response["Retry-After"], "3600")
        self.assertFalse(get_user_model().objects.filter(username="one-too-many").exists())

        # Another address still may.
        self.assertEqual(self.signup("from-elsewhere", address=CAFE).status_code, 302)
        self.assertTrue(get_user_model().objects.filter(username="from-elsewhere").exists())

    def test_looking_at_the_form_does_not_count(self):
        for _ in range(25):
            self.client.get("/accounts/signup/", REMOTE_ADDR=HOME)
        self.assertEqual(self.signup("sara").status_code, 302)
