from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import LoginForm
from .ratelimit import LOGIN_FAILURES, SIGNUPS, client_address


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "rate_limited"):
            response.status_code = 429
            response["Retry-After"] = str(LOGIN_FAILURES.window)
        return response


@require_http_methods(["GET", "POST"])
def signup(request):
    form = UserCreationForm(request.POST or None)
    # Back to where the person came from (a share link's join page), on this site only.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.method == "POST":
        address = client_address(request)
        if SIGNUPS.reached(address):
            form.add_error(None, _("Too many sign-ups from your network. Please try again in an hour."))
            response = render(request, "registration/signup.html", {"form": form, "next": next_url}, status=429)
            response["Retry-After"] = str(SIGNUPS.window)
            return response
        SIGNUPS.hit(address)
        if form.is_valid():
            user = form.save()
            login(request, user)
            return redirect(next_url or "board-list")
    context = {"form": form, "next": next_url}
    return render(request, "registration/signup.html", context, status=422 if form.errors else 200)
