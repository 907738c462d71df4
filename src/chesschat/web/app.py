"""``create_app(settings)``: wires adapters to services and services to the edge. Nothing else."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources

import redis.asyncio as aioredis
from fastapi import FastAPI
from pydantic import SecretStr
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from chesschat.adapters import aws, cognito
from chesschat.adapters.metrics import PrometheusMetrics, metrics_for
from chesschat.adapters.records import open_social, open_store
from chesschat.adapters.records.reviews import open_reviews
from chesschat.adapters.redis_auth import FernetSealer, RedisAuth, sealing_key
from chesschat.adapters.redis_live import AnalysisQueue, FinalizationQueue, RedisLive, connect
from chesschat.adapters.redis_relay import RedisRelay
from chesschat.adapters.stockfish import Stockfish, engine_path
from chesschat.adapters.video_chime import ChimeMeetings, ChimeVideo
from chesschat.adapters.video_webrtc import WebRTCVideo
from chesschat.services.accounts import Accounts
from chesschat.services.cognito_identity import CognitoIdentity
from chesschat.services.hub import Hub
from chesschat.services.identity import Identity, LocalIdentity
from chesschat.services.ports import Clock, LiveStore, SystemClock, Video
from chesschat.services.presence import Presence
from chesschat.services.records import Records, RecordStore
from chesschat.services.reviews import Reviews
from chesschat.services.room_commands import RoomCommands
from chesschat.services.room_repository import RoomRepository
from chesschat.services.sign_in_throttle import SignInThrottle, ThrottlePolicy
from chesschat.services.social import Social
from chesschat.services.watching import Watching
from chesschat.settings import Settings
from chesschat.web import auth_http, http, records_http, reviews_http, social_http, ws
from chesschat.web.middleware import CorrelationMiddleware, CrossSiteWriteGuard, SecurityHeadersMiddleware
from chesschat.workers.finalizer import Finalizer, new_worker_id
from chesschat.workers.reviewer import Reviewer
from chesschat.workers.timers import Timers


@dataclass
class Wiring:
    """Everything a request handler may need, built once per process."""

    settings: Settings
    clock: Clock
    redis: aioredis.Redis
    live: LiveStore
    hub: Hub
    relay: RedisRelay
    metrics: PrometheusMetrics
    identity: Identity
    presence: Presence
    rooms: RoomCommands
    timers: Timers
    store: RecordStore
    records: Records
    finalizer: Finalizer | None
    social: Social
    accounts: Accounts
    reviews: Reviews
    reviewer: Reviewer | None
    watching: Watching


def _secret(value: SecretStr | None, arn: str | None, region: str) -> str | None:
    return value.get_secret_value() if value is not None else aws.secret_value(arn, region)


def _cognito(
    settings: Settings,
    store: RecordStore,
    client: aioredis.Redis,
    presence: Presence,
    clock: Clock,
    throttle: SignInThrottle,
) -> CognitoIdentity:
    region = settings.cognito_region or settings.aws_region
    pool, app_client = settings.cognito_user_pool_id or "", settings.cognito_client_id or ""
    issuer = settings.cognito_issuer or f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    api = cognito.CognitoClient(
        region,
        app_client,
        _secret(settings.cognito_client_secret, settings.cognito_client_secret_arn, settings.aws_region),
        settings.cognito_domain,
    )
    keys = cognito.PoolKeys(settings.cognito_jwks_url or f"{issuer}/.well-known/jwks.json", issuer, app_client)
    key = sealing_key(_secret(settings.session_key, settings.session_key_arn, settings.aws_region), settings.data_dir)
    return CognitoIdentity(
        store,
        api,
        keys,
        RedisAuth(client),
        FernetSealer(key),
        presence,
        clock,
        throttle,
        settings.session_ttl_seconds,
        google=bool(settings.cognito_domain),
    )


def build(settings: Settings, clock: Clock | None = None) -> Wiring:
    clock = clock or SystemClock()
    client = connect(settings)
    live = RedisLive(client, settings.room_ttl_seconds * 1000)
    hub = Hub()
    relay = RedisRelay(client, hub.deliver)
    hub.relay = relay
    metrics = metrics_for(settings.metrics, settings.env)
    store = open_store(settings)
    records = Records(store)
    policy = ThrottlePolicy(
        settings.login_free_failures_per_account,
        settings.login_free_failures_per_address,
        settings.login_max_delay_seconds,
        settings.login_failures_kept_seconds,
    )
    video: Video = WebRTCVideo(
        clock,
        metrics,
        settings.stun_urls,
        settings.turn_urls,
        _secret(settings.turn_secret, settings.turn_secret_arn, settings.aws_region),
        min(settings.turn_credential_ttl_seconds, settings.room_ttl_seconds),
        settings.turn_relay_only,
    )
    if settings.video == "chime":
        video = ChimeVideo(ChimeMeetings(settings.aws_region, settings.chime_media_region or settings.aws_region))
    repository = RoomRepository(live, video, clock, settings.room_update_attempts)
    presence = Presence(live, clock, settings.node_dead_after_seconds, settings.max_sockets_per_user)
    throttle = SignInThrottle(live, clock, policy)
    identity: Identity = LocalIdentity(store, settings.session_ttl_seconds, throttle, presence)
    if settings.identity == "cognito":
        identity = _cognito(settings, store, client, presence, clock, throttle)
    rooms = RoomCommands(repository, presence, live, hub, video, metrics, clock, settings)
    watching = Watching(
        repository, live, hub, clock, presence.node_id, settings.max_watchers_per_room, settings.room_ttl_seconds
    )
    rooms.watching = watching
    relay.on_resubscribed = rooms.resync
    relay.on_session_revoked = hub.end_session
    relay.on_user_ended = hub.end_user
    relay.on_user_frame = hub.to_user
    timers = Timers(rooms, presence, repository, live, clock, settings, metrics)
    social_store = open_social(store)
    finalizer = None
    if settings.finalizer_enabled:
        finalizer = Finalizer(FinalizationQueue(client, new_worker_id()), records, metrics, settings)
    reviews_store = open_reviews(store)
    engine_at = engine_path(settings.review_engine_path)
    reviewer = None
    if engine_at is not None and settings.finalizer_enabled:
        engine = Stockfish(engine_at, settings.review_seconds_per_position, settings.review_max_plies)
        queue = AnalysisQueue(client, new_worker_id())
        reviewer = Reviewer(queue, reviews_store, store, engine, clock, settings)
    return Wiring(
        settings,
        clock,
        client,
        live,
        hub,
        relay,
        metrics,
        identity,
        presence,
        rooms,
        timers,
        store,
        records,
        finalizer,
        Social(social_store, store, live, clock, social_http.pusher(live)),
        Accounts(store, social_store, presence),
        Reviews(records, reviews_store, AnalysisQueue(client), clock, available=engine_at is not None),
        reviewer,
        watching,
    )


class ChessChatApp:
    """The ASGI app: the game socket goes straight to its handler, everything else to the
    HTTP API. Each socket frame would otherwise pass through every HTTP middleware layer
    twice (in and out), which costs more than the rest of a move."""

    def __init__(self, api: FastAPI, wiring: Wiring) -> None:
        self.api = api
        self.wiring = wiring
        self.state = api.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/ws":
            await ws.endpoint(WebSocket(scope, receive, send), self.wiring)
        else:
            await self.api(scope, receive, send)


def create_app(settings: Settings, clock: Clock | None = None) -> ChessChatApp:
    wiring = build(settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await wiring.relay.start()
        wiring.timers.start()
        if wiring.finalizer is not None:
            await wiring.finalizer.start()
        if wiring.reviewer is not None:
            await wiring.reviewer.start()
        try:
            yield
        finally:
            if wiring.reviewer is not None:
                await wiring.reviewer.stop()
            if wiring.finalizer is not None:
                await wiring.finalizer.stop()
            await wiring.timers.stop()
            await wiring.relay.stop()
            await wiring.redis.aclose()
            wiring.store.close()

    app = FastAPI(title="ChessChat", version="0.1.0", lifespan=lifespan, docs_url="/docs")
    app.state.wiring = wiring
    http.install(app)
    auth_http.install(app)
    records_http.install(app)
    reviews_http.install(app)
    social_http.install(app)
    static = resources.files("chesschat.web") / "static"
    app.mount("/", StaticFiles(directory=str(static), html=True), name="static")
    # Innermost, so that its refusals carry the CORS, security and correlation headers.
    app.add_middleware(CrossSiteWriteGuard, settings=settings, sign_in_paths=http.SIGN_IN_PATHS)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["authorization", "content-type", "x-correlation-id"],
            expose_headers=["x-correlation-id"],
        )
    app.add_middleware(
        SecurityHeadersMiddleware, https=settings.url.startswith("https://"), chime=settings.video == "chime"
    )
    app.add_middleware(CorrelationMiddleware)
    return ChessChatApp(app, wiring)
