"""Signing in with one's phone number as well as one's username: volunteers know their number
better than the username the app made for them."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from volunteers.models import Volunteer
from volunteers.phones import normalize_phone


class PhoneNumberBackend(ModelBackend):
    """Accepts a Vietnamese mobile number, written any usual way (0912 345 678, +84912345678), as
    the username of the account linked to the volunteer with that number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not any(char.isdigit() for char in username):
            return None
        try:
            phone = normalize_phone(username)
        except ValidationError:
            return None
        volunteer = Volunteer.objects.filter(phone=phone, user__isnull=False).select_related("user").first()
        if volunteer is None:
            return None
        user = volunteer.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
