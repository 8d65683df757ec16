from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ratelimit import LOGIN_FAILURES, client_address


class LoginForm(AuthenticationForm):
    """Django's login form, counting failures per username and address. Once the limit is
    reached it refuses without checking the password, so guessing on gets nowhere, not even
    when a guess is right."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": _(
            "Too many failed logins for this username. Please wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self):
        key = (self.cleaned_data.get("username") or "", client_address(self.request))
        if LOGIN_FAILURES.reached(*key):
            raise ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": LOGIN_FAILURES.window // 60},
            )
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                LOGIN_FAILURES.hit(*key)
            raise
        LOGIN_FAILURES.reset(*key)
        return cleaned_data
