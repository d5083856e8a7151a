"""Top-level URLs. Each app owns its own urls module; every view declares its access rule."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from access.decorators import mark_public, mark_signed_in
from config import (
    converters,  # noqa: F401 - registers <id:…>, used by every app's addresses
    views,
)
from config.forms import SetPasswordForm, SignInForm
from volunteers.tokens import invitation_tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", mark_public(set_language), name="set_language"),
    path(
        "accounts/login/",
        mark_public(
            auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("accounts/logout/", mark_public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password/",
        mark_signed_in(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        mark_signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        mark_public(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=SetPasswordForm,
                template_name="registration/set_password.html",
                token_generator=invitation_tokens,
                # Signed in at once, on their home page: no second form to fill on a phone.
                success_url="/",
                post_reset_login=True,
                post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            )
        ),
        name="set_password",
    ),
    path("", include("volunteers.urls")),
    path("", include("sessions.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]

# A database connection that drops outside a view (the session saved as the answer leaves) is a
# 503 to retry too, not a 500.
handler500 = "config.views.server_error"
