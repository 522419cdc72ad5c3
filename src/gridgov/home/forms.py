"""The sign-in forms of the web and of the back office, throttled (``accounts/throttle.py``)."""
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from gridgov.accounts import throttle


class ThrottledLoginMixin:
    """Refuse a locked-out account or address before checking the password, count a wrong one,
    forget the account's failures on success. ``refused`` tells the view to answer 429."""

    refused = False

    def clean(self):
        username = self.cleaned_data.get("username")
        try:
            throttle.check(self.request, username)
        except throttle.TooManyAttempts as locked:
            self.refused = True
            raise ValidationError(locked.message, code="throttled")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            throttle.failed(self.request, username)
            raise
        if self.get_user() is not None:
            throttle.succeeded(username)
        return cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
