"""One typed settings object, read from ``CHESSCHAT_*`` environment variables.

The defaults are the embedded mode: one laptop, a redis-server the CLI starts itself,
SQLite records, local accounts, browser-to-browser video. Nothing reads the environment at
import time; :func:`load_settings` is called once at the edge and the object passed in.
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret"}
PRIVATE_NETWORKS = ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHESSCHAT_", extra="ignore")

    env: str = Field("local", description="Environment name: local, dev, prod. Also the metrics namespace suffix.")
    data_dir: Path = Field(Path(".chesschat"), description="Where the embedded Redis and the SQLite records live.")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(
        None, description="The URL users open, if not http://host:port; the web client there may call the API."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Other origins whose pages may call the API with the user's cookie."
    )

    # Live state
    redis_url: str | None = Field(None, description="External Redis; unset starts an embedded redis-server.")
    redis_max_connections: int = Field(1024, ge=8, description="Connections one process may open to Redis.")
    redis_auth_secret_arn: str | None = Field(
        None, description="Secrets Manager ARN of the Redis AUTH token (AWS); read by the app at start."
    )

    # Records and identity
    record_store: Literal["sqlite", "dynamodb"] = "sqlite"
    identity: Literal["local", "cognito"] = "local"
    cognito_user_pool_id: str | None = Field(None, description="The user pool (cognito identity).")
    cognito_client_id: str | None = Field(None, description="The pool's app client the server signs in through.")
    cognito_region: str | None = Field(None, description="The pool's region; default aws_region.")
    cognito_domain: str | None = Field(
        None, description="The hosted UI's base URL (https://…auth.<region>.amazoncognito.com); enables Google."
    )
    cognito_jwks_url: str | None = Field(None, description="The pool's signing keys; default the pool's own.")
    cognito_issuer: str | None = Field(
        None, description="Tokens' iss; default https://cognito-idp.<region>.amazonaws.com/<pool>."
    )
    cognito_client_secret: SecretStr | None = Field(None, description="The app client's secret, if it has one.")
    cognito_client_secret_arn: str | None = Field(None, description="Secrets Manager ARN of the app client's secret.")
    session_key: SecretStr | None = Field(None, description="Key that seals sessions' refresh tokens.")
    session_key_arn: str | None = Field(None, description="Secrets Manager ARN of the session sealing key.")
    session_ttl_seconds: int = 30 * 24 * 3600
    cookie_name: str = "chesschat_session"
    cookie_secure: bool = Field(False, description="Mark the session cookie Secure even without an https public URL.")
    sqlite_busy_timeout_seconds: float = Field(5.0, description="How long a write waits for the SQLite lock.")
    dynamodb_endpoint_url: str | None = Field(None, description="A DynamoDB emulator's URL; unset means AWS.")
    dynamodb_table_prefix: str | None = Field(None, description="Table name prefix; default chesschat-<env>-.")

    # Finalization worker (every process runs it; see docs/records.md)
    finalizer_enabled: bool = True
    finalizer_concurrency: int = Field(4, description="Jobs one process writes at once.")
    finalizer_attempts: int = Field(5, description="Refused writes before a job goes to the dead letter.")
    finalizer_backoff_base_seconds: float = 0.25
    finalizer_backoff_max_seconds: float = Field(30.0, description="Longest wait while the store is unreachable.")
    finalizer_lease_seconds: float = Field(15.0, description="A worker silent this long has its jobs requeued.")
    finalizer_reap_seconds: float = 5.0
    finalizer_block_seconds: float = Field(1.0, gt=0, lt=5, description="Under the Redis client's 5 s read timeout.")

    # Game review
    review_engine_path: str | None = Field(
        None, description="The UCI engine; default Stockfish on PATH or /usr/games/stockfish. Without one, no reviews."
    )
    review_seconds_per_position: float = Field(0.1, gt=0, description="Engine time for each position reviewed.")
    review_max_plies: int = Field(300, ge=1, description="Plies reviewed at most per game.")
    review_concurrency: int = Field(1, ge=1, description="Games one process reviews at once (an engine each).")

    # Rooms and games
    room_ttl_seconds: int = 3600
    reconnect_grace_seconds: float = 12.0
    default_time_seconds: float = 300.0
    max_time_seconds: float = 3 * 3600.0
    max_increment_seconds: float = 180.0
    first_move_timeout_seconds: float = Field(
        30.0,
        ge=0,
        description="Each side's time for its first move (no clock runs before both have moved); "
        "missing it aborts the game. 0: the clocks run from the start.",
    )
    room_update_attempts: int = Field(8, ge=1, description="Optimistic retries before ROOM_UPDATE_CONFLICT.")

    # WebSocket limits
    ws_max_frame_bytes: int = Field(
        16 * 1024, description="Longer frames (in characters) are answered FRAME_TOO_LARGE and closed."
    )
    ws_rate_per_second: float = 50.0
    ws_rate_burst: int = 100
    max_sockets_per_user: int = Field(
        20, ge=1, description="Open WebSockets one account may hold across every process; more are closed."
    )
    max_open_rooms_per_user: int = Field(
        30, ge=1, description="Rooms one account may have opened or reserved and not yet closed (within the room TTL)."
    )
    max_watchers_per_room: int = Field(
        50, ge=1, description="Sockets that may watch one room's game at once (players not counted)."
    )
    ws_ping_interval_seconds: float = 30.0
    ws_ping_timeout_seconds: float = 20.0

    # Slow and greedy clients (see docs/operations.md, Security)
    http_header_timeout_seconds: float = Field(
        10.0, gt=0, description="A connection that has not sent a request's headers within this is closed."
    )
    http_keep_alive_seconds: int = Field(5, ge=1, description="An idle keep-alive connection is closed after this.")
    max_connections_per_address: int = Field(
        64, ge=0, description="Open connections (HTTP and WebSocket) per client address; more are refused. 0: no cap."
    )
    # Loopback and private networks are where a proxy or load balancer in front lives (the
    # ALB in the VPC); capping them would cap every player behind it at once.
    connection_cap_exempt_networks: list[IPvAnyNetwork] = Field(
        default_factory=lambda: [ip_network(net) for net in PRIVATE_NETWORKS],
        description="Client networks the per-address cap does not count.",
    )

    # Sign-in throttle and proxies (see docs/operations.md, Security). After its free failures
    # an account, or a client address, waits 1 s before its next attempt, then twice as long
    # after each further failure, up to the longest delay.
    login_free_failures_per_account: int = Field(
        5, ge=1, description="Failed sign-ins to one account before each further attempt must wait."
    )
    login_free_failures_per_address: int = Field(
        50, ge=1, description="Failed sign-ins from one client address before each further attempt must wait."
    )
    login_max_delay_seconds: int = Field(300, ge=1, description="The longest wait between attempts.")
    login_failures_kept_seconds: int = Field(
        3600, ge=1, description="Failures are forgotten this long after the latest; at least the longest delay."
    )
    trusted_proxy_hops: int = Field(
        0, ge=0, description="Proxies in front that append to X-Forwarded-For (the ALB: 1); 0: the socket peer."
    )

    # Background workers (every process runs them). Each deadline loop sleeps until its
    # earliest deadline, and a deadline this process writes wakes it; these are the longest
    # it waits before looking again (how soon it meets a deadline a dead process left).
    clock_poll_seconds: float = 1.0
    grace_poll_seconds: float = 1.0
    expiry_poll_seconds: float = 5.0
    node_heartbeat_seconds: float = Field(2.0, description="How often a process reports that it is alive.")
    node_dead_after_seconds: float = Field(
        10.0, description="A process silent this long is dead: its players' seats start their reconnect grace."
    )

    # Video
    video: Literal["webrtc", "chime"] = "webrtc"
    chime_media_region: str | None = Field(
        None, description="Where Chime hosts the meetings' media; default aws_region."
    )
    stun_urls: list[str] = Field(default_factory=list)
    turn_urls: list[str] = Field(default_factory=list, description="turn:host:3478?transport=udp, ...")
    turn_secret: SecretStr | None = Field(None, description="coturn static-auth-secret (use-auth-secret).")
    turn_secret_arn: str | None = None
    turn_credential_ttl_seconds: int = Field(
        3600, ge=1, description="Lifetime of a TURN credential; never longer than the room TTL."
    )
    turn: Literal["embedded", "off"] = Field(
        "embedded",
        description="embedded: serve starts coturn (turnserver) itself when no TURN URLs are set; off: no TURN.",
    )
    turn_port: int = Field(3478, gt=0, lt=65536, description="The embedded coturn's listening port (UDP and TCP).")
    turn_relay_min_port: int = Field(49152, ge=1024, lt=65536, description="Lowest UDP port of relayed media.")
    turn_relay_max_port: int = Field(65535, ge=1024, lt=65536, description="Highest UDP port of relayed media.")
    turn_realm: str = Field("chesschat", min_length=1, description="coturn's realm.")
    turn_allow_loopback_peers: bool = Field(
        False, description="Let relays send to loopback addresses (tests on one machine only)."
    )
    turn_relay_only: bool = Field(
        False, description="Browsers send all media through TURN: neither player learns the other's address."
    )

    # Observability
    log_level: str = "info"
    log_json: bool = True
    metrics: Literal["prometheus", "cloudwatch"] = "prometheus"

    # AWS
    aws_region: str = "us-east-1"

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        secret = self.turn_secret.get_secret_value().strip().lower() if self.turn_secret else None
        if secret is not None and self.env != "local" and secret in PLACEHOLDER_SECRETS:
            raise ValueError("CHESSCHAT_TURN_SECRET is a placeholder; set a real secret")
        return self

    @model_validator(mode="after")
    def _relay_ports_are_a_range(self) -> Settings:
        if self.turn_relay_min_port >= self.turn_relay_max_port:
            raise ValueError("CHESSCHAT_TURN_RELAY_MIN_PORT must be below CHESSCHAT_TURN_RELAY_MAX_PORT")
        return self

    @model_validator(mode="after")
    def _cognito_needs_its_pool(self) -> Settings:
        if self.identity == "cognito" and not (self.cognito_user_pool_id and self.cognito_client_id):
            raise ValueError("CHESSCHAT_IDENTITY=cognito needs CHESSCHAT_COGNITO_USER_POOL_ID and _CLIENT_ID")
        return self

    @model_validator(mode="after")
    def _remember_failures_through_the_delay(self) -> Settings:
        if self.login_failures_kept_seconds < self.login_max_delay_seconds:
            raise ValueError("CHESSCHAT_LOGIN_FAILURES_KEPT_SECONDS must be at least CHESSCHAT_LOGIN_MAX_DELAY_SECONDS")
        return self

    @property
    def table_prefix(self) -> str:
        return self.dynamodb_table_prefix if self.dynamodb_table_prefix is not None else f"chesschat-{self.env}-"

    @property
    def allowed_origins(self) -> list[str]:
        """Origins of web clients served from elsewhere (e.g. a CDN) that call this API."""
        extra = [self.public_url.rstrip("/")] if self.public_url else []
        return sorted({*extra, *self.cors_origins})

    @property
    def url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
