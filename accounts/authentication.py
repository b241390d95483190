"""API tokens that expire (MITHAQ_API_TOKEN_DAYS after they were issued)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts import selectors
from core import sites


class TokenExpired(AuthenticationFailed):
    """401 with a WWW-Authenticate challenge: the client should get a new token and retry."""

    default_code = "token_expired"
    default_detail = _("Your API token has expired. Get a new one from POST /api/v1/auth/token/.")
    www_authenticate = "Token"


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            # A token's user is read here, not by the middleware: on a collectivity's site its
            # staff lists keep to that collectivity too (accounts.User.listed_collectivity_ids).
            found[0].limit_lists_to_site(sites.routed_collectivity_id(request))
        return found

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if selectors.api_token_expired(token):
            raise TokenExpired()
        return user, token
