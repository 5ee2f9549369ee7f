"""The ID token check of an OpenID Connect sign-in, on tokens signed here (pure: no provider,
no database): the signature against the provider's published keys, the issuer, the audience,
the expiry (with a minute's leeway for clock skew) and the nonce of this sign-in."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from application import oidc
from lifecycle.errors import NotAuthenticated

pytestmark = pytest.mark.fast  # pure: no database, Prefect or browser (make test-fast)

ISSUER = "https://login.example.se"
PROVIDER = oidc.Provider(
    name="kommun",
    label="Kommunens inloggning",
    issuer=ISSUER,
    client_id="lofte",
    client_secret_env="LOFTE_TEST_UNUSED",
    organisations=[oidc.BoundOrganisation(region="stockholm", name="Kommun")],
)


class _Response:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def json(self) -> dict[str, Any]:
        return self.body


@pytest.fixture
def provider_key(monkeypatch: pytest.MonkeyPatch) -> RSAKey:
    """The provider's signing key; its public half is what the JWKS address serves."""
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    published = KeySet([key]).as_dict(private=False)
    monkeypatch.setattr(
        oidc, "_discovery", lambda issuer: {"issuer": ISSUER, "jwks_uri": f"{ISSUER}/jwks"}
    )
    monkeypatch.setattr(oidc.httpx, "get", lambda url, timeout: _Response(published))
    return key


def _token(key: RSAKey, **changes: Any) -> str:
    """A token as the provider would sign it; a change to None leaves that claim out."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "lofte", "sub": "anna", "exp": now + 300, "iat": now}
    claims |= {"nonce": "n-1"} | changes
    kept = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, kept, key)


def test_a_good_token_gives_its_claims(provider_key: RSAKey) -> None:
    claims = oidc._id_token_claims(PROVIDER, _token(provider_key), "n-1")
    assert (claims["sub"], claims["aud"], claims["nonce"]) == ("anna", "lofte", "n-1")


def test_an_audience_list_naming_us_is_accepted(provider_key: RSAKey) -> None:
    token = _token(provider_key, aud=["other", "lofte"])
    assert oidc._id_token_claims(PROVIDER, token, "n-1")["sub"] == "anna"


def test_a_minute_of_clock_skew_is_forgiven(provider_key: RSAKey) -> None:
    token = _token(provider_key, exp=int(time.time()) - 30)
    assert oidc._id_token_claims(PROVIDER, token, "n-1")["sub"] == "anna"


@pytest.mark.parametrize(
    "changes",
    [
        {"nonce": "another sign-in's nonce"},
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 120},
        {"nonce": None},
        {"exp": None},
        {"aud": None},
        {"iss": None},
    ],
    ids=["nonce", "audience", "issuer", "expired", "no-nonce", "no-expiry", "no-aud", "no-iss"],
)
def test_a_token_not_meant_for_this_sign_in_is_refused(
    provider_key: RSAKey, changes: dict[str, Any]
) -> None:
    token = _token(provider_key, **changes)
    with pytest.raises(NotAuthenticated, match="ID token was not accepted"):
        oidc._id_token_claims(PROVIDER, token, "n-1")


def test_a_token_signed_by_another_key_is_refused(provider_key: RSAKey) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(NotAuthenticated, match="ID token was not accepted"):
        oidc._id_token_claims(PROVIDER, _token(stranger), "n-1")


def test_a_token_that_is_not_a_token_is_refused(provider_key: RSAKey) -> None:
    with pytest.raises(NotAuthenticated, match="ID token was not accepted"):
        oidc._id_token_claims(PROVIDER, "not.a.token", "n-1")
