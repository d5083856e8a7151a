"""Invitation links: one-time links to set a password, bound to the account's state.

Django's reset tokens already stop working once the password is set or the user signs in; these
also stop when the account is switched off or given or relieved of a role, and expire after
settings.PASSWORD_RESET_TIMEOUT (a few days). A link sent to a volunteer can then never become
the key to an account that has since become a secretary's or a leader's."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "xungkichso.volunteers.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        roles = sorted(
            f"{role}:{commune}:{province}"
            for role, commune, province in user.role_assignments.values_list(
                "role", "commune_id", "province_id"
            )
        )
        state = f"{user.is_active}{user.is_staff}{user.is_superuser}{','.join(roles)}"
        return super()._make_hash_value(user, timestamp) + state


invitation_tokens = InvitationTokenGenerator()
