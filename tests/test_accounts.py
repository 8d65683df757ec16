"""Accounts: sign up, log in and log out."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from tests.base import PASSWORD, make_user



def logged_in_username(client):
    """Whom the session belongs to, as the app sees it (None when anonymous)."""
    response = client.get("/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.username


class SignupTests(TestCase):
    def signup(self, username="sara", password1=PASSWORD, password2=PASSWORD):
        return self.client.post(
            "/accounts/signup/", {"username": username, "password1": password1, "password2": password2}
        )

    def test_form_is_shown(self):
        response = self.client.get("/accounts/signup/")
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password1"')
        self.assertContains(response, 'name="password2"')

    def test_signup_creates_user_and_logs_in(self):
        response = self.signup()
        self.assertRedirects(response, "/")
        self.assertTrue(get_user_model().objects.get(username="sara").check_password(PASSWORD))
        self.assertEqual(logged_in_username(self.client), "sara")

    def test_new_user_starts_with_no_boards(self):
        self.signup()
        self.assertContains(self.client.get("/"), "No boards yet.")

    def test_password_mismatch_is_refused(self):
        response = self.signup(password2="something else entirely")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "The two password fields didn’t match.", status_code=422)
        self.assertFalse(get_user_model().objects.filter(username="sara").exists())
        self.assertIsNone(logged_in_username(self.client))

    def test_weak_password_is_refused(self):
        response = self.signup(password1="123", password2="123")
        self.assertContains(response, "This password is too short.", status_code=422)
        self.assertFalse(get_user_model().objects.filter(username="sara").exists())

    def test_taken_username_is_refused(self):
        make_user("sara")
        response = self.signup()
        self.assertContains(response, "A user with that username already exists.", status_code=422)
        self.assertEqual(get_user_model().objects.filter(username="sara").count(), 1)


class LoginLogoutTests(TestCase):
    def setUp(self):
        self.user = make_user("olivia")

    def login(self, password=PASSWORD, **extra):
        return self.client.post("/accounts/login/", {"username": "olivia", "password": password, **extra})

    def test_login_page_has_username_and_password_fields(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')

    def test_login_redirects_to_board_list(self):
        response = self.login()
        self.assertRedirects(response, "/")
        self.assertEqual(logged_in_username(self.client), "olivia")

    def test_login_follows_next(self):
        response = self.login(next="/boards/1/")
        self.assertRedirects(response, "/boards/1/", fetch_redirect_response=False)

    def test_wrong_password_is_refused(self):
        response = self.login(password="wrong")
        self.assertContains(response, "Please enter a correct username and password.")
        self.assertIsNone(logged_in_username(self.client))

    def test_logout_is_a_post(self):
        self.client.force_login(self.user)
        response = self.client.post("/accounts/logout/")
        self.assertRedirects(response, "/accounts/login/")
        self.assertIsNone(logged_in_username(self.client))

    def test_logout_by_get_is_refused(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        self.assertEqual(logged_in_username(self.client), "olivia")

    def test_logout_button_is_on_every_page(self):
        self.client.force_login(self.user)
        self.assertContains(self.client.get("/"), '<form method="post" action="/accounts/logout/"')
