"""Amazon Cognito at the edge: the user pool's API through boto3, the hosted UI's OAuth2
endpoints, and access and ID tokens checked against the pool's published keys.

Every call here blocks; the identity service runs them off the event loop. Cognito's
errors become the service's, with the words a person should read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import boto3
import jwt
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chesschat.services.cognito_identity import (
    AuthFailed,
    Challenge,
    CodeExpired,
    CodeMismatch,
    CognitoUnavailable,
    InvalidToken,
    NotConfirmed,
    SignUpRefused,
    Tokens,
    TooManyRequests,
)
from chesschat.services.identity import InvalidPassword, UsernameUnavailable

# Cognito's exception names and what a person is told.
ERRORS: dict[str, tuple[type[Exception], str]] = {
    "NotAuthorizedException": (AuthFailed, "Wrong username or password."),
    "UserNotFoundException": (AuthFailed, "Wrong username or password."),
    "UserNotConfirmedException": (NotConfirmed, "Confirm your email first: type the code it was sent."),
    "CodeMismatchException": (CodeMismatch, "That code is not right. Check it and try again."),
    "ExpiredCodeException": (CodeExpired, "That code has expired. Ask for a new one."),
    "InvalidPasswordException": (InvalidPassword, "That password is too weak for this site's rules."),
    "UsernameExistsException": (UsernameUnavailable, "An account with this email already exists."),
    "AliasExistsException": (UsernameUnavailable, "An account with this email already exists."),
    "TooManyRequestsException": (TooManyRequests, "Too many attempts; wait a minute and try again."),
    "LimitExceededException": (TooManyRequests, "Too many attempts; wait a minute and try again."),
    "TooManyFailedAttemptsException": (TooManyRequests, "Too many attempts; wait a minute and try again."),
    "InvalidParameterException": (SignUpRefused, "Cognito refused the request as malformed."),
    "CodeDeliveryFailureException": (SignUpRefused, "The code could not be sent to that address."),
}


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """The ``SECRET_HASH`` a confidential app client needs with each call."""
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _refused(exc: ClientError) -> Exception:
    code = exc.response.get("Error", {}).get("Code", "")
    kind, words = ERRORS.get(code, (CognitoUnavailable, "Sign-in is unavailable; try again soon."))
    if kind is InvalidPassword and (message := exc.response.get("Error", {}).get("Message")):
        # Cognito words the pool's policy ("Password must have uppercase characters"); say it.
        words = f"{words} {str(message).rpartition(':')[2].strip()}".strip()
    return kind(words)


def _tokens(result: dict[str, Any]) -> Tokens:
    auth = result["AuthenticationResult"]
    return Tokens(auth["AccessToken"], auth.get("IdToken"), auth.get("RefreshToken"), int(auth.get("ExpiresIn", 3600)))


class CognitoClient:
    """The user pool's API for one app client (public unless ``client_secret`` is set)."""

    def __init__(
        self,
        region: str,
        client_id: str,
        client_secret: str | None,
        domain: str | None,
    ) -> None:
        # boto3 reads AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER by itself.
        config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=10)
        self.client = boto3.session.Session().client("cognito-idp", region_name=region, config=config)
        self.client_id = client_id
        self.client_secret = client_secret
        self.domain = (domain or "").rstrip("/")

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        except ClientError as exc:
            raise _refused(exc) from None
        except BotoCoreError as exc:
            raise CognitoUnavailable("Sign-in is unavailable; try again soon.") from exc
        return response

    def _client(self, username: str) -> dict[str, Any]:
        """The app client's arguments for a call about ``username``."""
        args: dict[str, Any] = {"ClientId": self.client_id}
        if self.client_secret:
            args["SecretHash"] = secret_hash(self.client_secret, username, self.client_id)
        return args

    def _auth_parameters(self, username: str, **parameters: str) -> dict[str, str]:
        if self.client_secret:
            parameters["SECRET_HASH"] = secret_hash(self.client_secret, username, self.client_id)
        return parameters

    def sign_up(self, email: str, password: str) -> str:
        response = self._call(
            "sign_up",
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
            **self._client(email),
        )
        return str(response["UserSub"])

    def confirm(self, email: str, code: str) -> None:
        self._call("confirm_sign_up", Username=email, ConfirmationCode=code, **self._client(email))

    def resend(self, email: str) -> None:
        self._call("resend_confirmation_code", Username=email, **self._client(email))

    def password_auth(self, email: str, password: str) -> Tokens | Challenge:
        response = self._call(
            "initiate_auth",
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=self.client_id,
            AuthParameters=self._auth_parameters(email, USERNAME=email, PASSWORD=password),
        )
        if "AuthenticationResult" in response:
            return _tokens(response)
        return Challenge(str(response.get("ChallengeName", "")), str(response.get("Session", "")))

    def answer_mfa(self, email: str, session: str, code: str) -> Tokens:
        response = self._call(
            "respond_to_auth_challenge",
            ClientId=self.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=session,
            ChallengeResponses=self._auth_parameters(email, USERNAME=email, SOFTWARE_TOKEN_MFA_CODE=code),
        )
        return _tokens(response)

    def refresh(self, refresh_token: str, user_sub: str) -> Tokens:
        response = self._call(
            "initiate_auth",
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=self.client_id,
            AuthParameters=self._auth_parameters(user_sub, REFRESH_TOKEN=refresh_token),
        )
        return _tokens(response)

    def forgot(self, email: str) -> None:
        self._call("forgot_password", Username=email, **self._client(email))

    def reset(self, email: str, code: str, password: str) -> None:
        self._call(
            "confirm_forgot_password",
            Username=email,
            ConfirmationCode=code,
            Password=password,
            **self._client(email),
        )

    def global_sign_out(self, access_token: str) -> None:
        self._call("global_sign_out", AccessToken=access_token)

    def mfa_secret(self, access_token: str) -> str:
        return str(self._call("associate_software_token", AccessToken=access_token)["SecretCode"])

    def verify_mfa(self, access_token: str, code: str) -> None:
        self._call("verify_software_token", AccessToken=access_token, UserCode=code, FriendlyDeviceName="ChessChat")

    def set_mfa(self, access_token: str, enabled: bool) -> None:
        self._call(
            "set_user_mfa_preference",
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": enabled, "PreferredMfa": enabled},
        )

    def authorize_url(self, redirect_uri: str, state: str, challenge: str, provider: str) -> str:
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid email profile",
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "identity_provider": provider,
            }
        )
        return f"{self.domain}/oauth2/authorize?{query}"

    def exchange_code(self, code: str, verifier: str, redirect_uri: str) -> Tokens:
        form = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        headers = {"content-type": "application/x-www-form-urlencoded"}
        if self.client_secret:
            basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            headers["authorization"] = f"Basic {basic}"
        request = urllib.request.Request(
            f"{self.domain}/oauth2/token", urllib.parse.urlencode(form).encode(), headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise AuthFailed("Google sign-in did not complete; try again.") from exc
        except (OSError, ValueError) as exc:
            raise CognitoUnavailable("Sign-in is unavailable; try again soon.") from exc
        return Tokens(body["access_token"], body.get("id_token"), body.get("refresh_token"), int(body["expires_in"]))


def _match(keys: list[jwt.PyJWK], kid: str | None) -> Any:
    return next((key.key for key in keys if key.key_id == kid), None)


class PoolKeys:
    """Checks the pool's tokens: RS256 only, signed by a key of the pool's JWKS (fetched once,
    fetched again when a token names a key not yet seen, at most every ``refetch_s``), the
    pool's issuer, this app client, the right ``token_use`` and an unexpired ``exp`` (with a
    small leeway for clocks apart)."""

    def __init__(self, jwks_url: str, issuer: str, client_id: str, leeway_s: float = 30, refetch_s: float = 60):
        self.keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=24 * 3600, timeout=5)
        self.issuer = issuer
        self.client_id = client_id
        self.leeway_s = leeway_s
        self.refetch_s = refetch_s
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _key(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise InvalidToken("not a token") from exc
        try:
            with self._lock:
                key = _match(self.keys.get_signing_keys(), kid)
                # A key not seen yet: the pool may have rotated. Look again, but not for every
                # forged ``kid``.
                if key is None and time.monotonic() - self._fetched_at >= self.refetch_s:
                    self._fetched_at = time.monotonic()
                    key = _match(self.keys.get_signing_keys(refresh=True), kid)
        except jwt.PyJWKClientError as exc:
            raise CognitoUnavailable("The pool's signing keys cannot be read.") from exc
        if key is None:
            raise InvalidToken("unknown signing key")
        return key

    def claims(self, token: str, token_use: str) -> dict[str, Any]:
        """The claims of a valid token of ``token_use`` (``access`` or ``id``).

        :raises InvalidToken: anything else.
        """
        key = self._key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                audience=self.client_id if token_use == "id" else None,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims.get("token_use") != token_use:
            raise InvalidToken(f"not an {token_use} token")
        if token_use == "access" and claims.get("client_id") != self.client_id:
            raise InvalidToken("issued to another app client")
        return claims
