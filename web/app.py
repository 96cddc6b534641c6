"""The web app: public pages, the Mini App, open data and (in webhook mode) Telegram's webhook.

Everything public is read-only, needs no login and sets no cookies; the only writes are the Mini
App's actions, authorised by Telegram's signed initData (domain.webapp_auth).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from telegram.ext import Application

from bot.config import Settings
from bot.i18n import N_, available_languages, get_translator, is_rtl, language_name, resolve_language
from bot.places_cli import place_row
from domain import gazetteer
from domain.calendar_file import build_calendar
from domain.places_csv import write_places
from domain.taxonomy import CATEGORIES
from domain.webapp_auth import InitDataError, validate_init_data
from handlers.activities.reminders import schedule_reminder
from domain.rsvp_words import rsvp_answer
from storage.repositories import activities as activity_repo
from storage.repositories import directory as directory_repo
from storage.repositories import public_data
from web import open_data
from web.views import agenda_days, category_label, place_view, public_calendar_event, still_coming
from web.webhook import BodyTooLarge, read_limited, webhook_endpoint

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
PAGE_SIZE = 50
MAX_ID = 2**31 - 1  # ids beyond PostgreSQL's integer are simply not found
TILE_HOST = "https://tile.openstreetmap.org"
DATA_MAX_AGE = 300
CSP = (
    "default-src 'self'; img-src 'self' data: " + TILE_HOST + "; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)

_templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                         trim_blocks=True, lstrip_blocks=True)


class SecurityHeaders:
    """Plain ASGI middleware: the same safe headers on every answer (no cookies are ever set)."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                ]
                if static:
                    headers.append((b"cache-control", b"public, max-age=86400"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(application: Application, settings: Settings, *, webhook_path: str | None = None) -> Starlette:
    site = Site(application, settings)
    routes = [
        Route("/", site.buurtgids),
        Route("/app", site.mini_app),
        Route("/app/rsvp", site.app_rsvp, methods=["POST"]),
        Route("/p/{place_id:int}", site.place),
        Route("/agenda", site.agenda),
        Route("/netwerken", site.networks),
        Route("/data/places.csv", site.places_csv),
        Route("/data/places.json", site.places_json),
        Route("/data/activities.json", site.activities_json),
        Route("/ical/all.ics", site.ical_all),
        Route("/ical/network/{network_id:int}.ics", site.ical_network),
        Route("/ical/buurt/{name}.ics", site.ical_buurt),
        Route("/ical/initiative/{initiative_id:int}.ics", site.ical_initiative),
        Route("/ical/activity/{activity_id:int}.ics", site.ical_activity),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    if webhook_path:
        routes.insert(0, Route(webhook_path, webhook_endpoint(application, settings.webhook_secret or ""), methods=["POST"]))
    if not settings.web_enabled:  # webhook mode without the public pages
        routes = routes[:1] if webhook_path else []
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders), Middleware(GZipMiddleware, minimum_size=800)])


def _bounded(value: int) -> int | None:
    return value if 0 < value <= MAX_ID else None


def not_found(text: str = "Not found") -> Response:
    return Response(text, status_code=404, media_type="text/plain; charset=utf-8")


class Site:
    """The request handlers; each opens one read session (the Mini App's RSVP one transaction)."""

    def __init__(self, application: Application, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        # Built open-data bodies: (data's last change, built at, (body, gzipped, ETag)), reused while both hold.
        self._built: dict[str, tuple[datetime | None, float, tuple[bytes, bytes, str]]] = {}
        self._building: dict[str, asyncio.Lock] = {}

    async def built(self, key: str, stamp: datetime | None, build) -> tuple[bytes, bytes, str]:  # noqa: ANN001
        """(body, gzipped body, ETag) of a feed; rebuilt when the data changed or after DATA_MAX_AGE
        (visibility also follows the clock). Big feeds are compressed once, not per request."""
        async with self._building.setdefault(key, asyncio.Lock()):  # one build at a time, the others wait for it
            found = self._built.get(key)
            if found is not None and found[0] == stamp and time.monotonic() - found[1] < DATA_MAX_AGE:
                return found[2]
            body = await build()
            packed = await asyncio.to_thread(gzip.compress, body, 6, mtime=0)
            self._built[key] = (stamp, time.monotonic(), (body, packed, entity_tag(body)))
            return self._built[key][2]

    # -- helpers -----------------------------------------------------------------------------------

    def session(self):  # noqa: ANN201
        return self.application.bot_data.session_factory()

    def now(self) -> datetime:
        return self.application.bot_data.now()

    def language(self, request: Request) -> str:
        wanted = request.query_params.get("lang", "")
        return wanted if wanted in available_languages() else self.settings.default_language

    def public_link(self, path: str) -> str:
        return (self.settings.public_url or "") + path

    def render(self, request: Request, template: str, **values) -> HTMLResponse:  # noqa: ANN003
        language = self.language(request)
        translator = get_translator(language)

        def url(path: str, **params) -> str:  # noqa: ANN003
            params = {k: v for k, v in params.items() if v not in (None, "", False)}
            if language != self.settings.default_language:
                params["lang"] = language
            return path + ("?" + urlencode(params) if params else "")

        html = _templates.get_template(template).render(
            _=translator.gettext,
            ngettext=translator.ngettext,
            lang=language,
            direction="rtl" if is_rtl(language) else "ltr",
            languages=[(code, language_name(code)) for code in available_languages()],
            url=url,
            path=request.url.path,
            query=dict(request.query_params),
            license=self.settings.data_license,
            **values,
        )
        return HTMLResponse(html, headers={"Cache-Control": "public, max-age=60", "Content-Language": language})

    def cached(self, request: Request, body: bytes, media_type: str, last_modified: datetime | None,
               packed: bytes | None = None, etag: str | None = None) -> Response:
        """ETag (a hash of the body), Last-Modified and Cache-Control, and 304 when the client has it."""
        etag = etag or entity_tag(body)
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={DATA_MAX_AGE}", "Vary": "Accept-Encoding"}
        if last_modified is not None:
            headers["Last-Modified"] = format_datetime(last_modified.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            if etag in tags or "*" in tags:
                return Response(status_code=304, headers=headers)
        elif last_modified is not None and (since := request.headers.get("if-modified-since")):
            try:
                if parsedate_to_datetime(since) >= last_modified.replace(microsecond=0):
                    return Response(status_code=304, headers=headers)
            except (TypeError, ValueError):
                pass
        if packed is not None and "gzip" in request.headers.get("accept-encoding", ""):
            return Response(packed, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(body, media_type=media_type, headers=headers)

    # -- pages -------------------------------------------------------------------------------------

    def _place_query(self, request: Request) -> public_data.PlaceQuery:
        params = request.query_params
        category = params.get("cat") or None
        buurt = params.get("buurt") or None
        return public_data.PlaceQuery(
            words=params.get("q", "")[:100],
            category=category if any(c.code == category for c in CATEGORIES) else None,
            buurt=buurt if any(b.name == buurt for b in gazetteer.buurten()) else None,
        )

    async def _gids(self, request: Request, *, app: bool, centre: tuple[float, float] | None = None) -> Response:
        language = self.language(request)
        query = self._place_query(request)
        page_text = request.query_params.get("page", "1")
        page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 10_000 else 1
        now = self.now()
        async with self.session() as session:
            places, total = await public_data.visible_places(session, now, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
            coming = await self._coming_activities(session, now) if app else []
        views = [place_view(p, now=now, language=language, tz=self.settings.timezone) for p in places]
        return self.render(
            request, "index.html", app=app, places=views, total=total, page=page,
            pages=max(1, -(-total // PAGE_SIZE)), filters=query, centre=centre,
            categories=[(c.code, category_label(c.code, language)) for c in CATEGORIES],
            buurten=[b.name for b in gazetteer.buurten()],
            coming=agenda_days(coming, now=now, tz=self.settings.timezone, language=language, days=7, per_activity=3) if app else [],
        )

    async def _coming_activities(self, session, now: datetime):  # noqa: ANN001, ANN202
        return await activity_repo.visible_activities(session, now + timedelta(days=28), now - timedelta(hours=12))

    async def buurtgids(self, request: Request) -> Response:
        return await self._gids(request, app=False)

    async def mini_app(self, request: Request) -> Response:
        """The same map inside Telegram, centred on the place the bot passed (lat/lon or a postcode/buurt)."""
        return await self._gids(request, app=True, centre=self._centre(request))

    def _centre(self, request: Request) -> tuple[float, float] | None:
        params = request.query_params
        try:
            lat, lon = float(params.get("lat", "")), float(params.get("lon", ""))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return round(lat, 5), round(lon, 5)
        except ValueError:
            pass
        text = (params.get("postcode") or params.get("startapp") or params.get("tgWebAppStartParam") or "")[:40]
        found = gazetteer.geocode(text) if text else None
        return (found.lat, found.lon) if isinstance(found, gazetteer.Location) else None

    async def place(self, request: Request) -> Response:
        place_id = _bounded(request.path_params["place_id"])
        language = self.language(request)
        now = self.now()
        async with self.session() as session:
            initiative = await public_data.visible_place(session, place_id, now) if place_id else None
            if initiative is None:
                return self.render_missing(request)
            activities = await activity_repo.activities_of_initiatives(session, [initiative.id])
            networks = await activity_repo.networks_of_initiative(session, initiative.id)
        tz = self.settings.timezone
        coming = [a for a in activities if still_coming(a, now, tz)]
        return self.render(
            request, "place.html", place=place_view(initiative, now=now, language=language, tz=tz), networks=networks,
            days=agenda_days(coming, now=now, tz=tz, language=language, per_activity=3),
        )

    def render_missing(self, request: Request) -> Response:
        response = self.render(request, "missing.html")
        response.status_code = 404
        return response

    async def agenda(self, request: Request) -> Response:
        params = request.query_params
        language = self.language(request)
        query = self._place_query(request)
        network_text = params.get("network", "")
        network_id = _bounded(int(network_text)) if network_text.isdigit() and len(network_text) < 11 else None
        children = params.get("kids") == "1"
        now = self.now()
        async with self.session() as session:
            found = await activity_repo.visible_activities(
                session, now + timedelta(days=28), now - timedelta(hours=12),
                network_id=network_id, category=query.category, buurt=query.buurt,
            )
            networks = await activity_repo.all_networks(session)
        days = agenda_days(found, now=now, tz=self.settings.timezone, language=language, children_only=children)
        return self.render(
            request, "agenda.html", days=days, filters=query, network_id=network_id, children=children,
            networks=networks, categories=[(c.code, category_label(c.code, language)) for c in CATEGORIES],
            buurten=[b.name for b in gazetteer.buurten()],
        )

    async def networks(self, request: Request) -> Response:
        async with self.session() as session:
            found = await public_data.networks_with_places(session, self.now())
        return self.render(request, "networks.html", networks=found)

    # -- the Mini App's actions --------------------------------------------------------------------

    async def app_rsvp(self, request: Request) -> Response:
        """"Ik kom" from the Mini App: who it is comes only from Telegram's signed initData."""
        try:
            body = await read_limited(request, 16 * 1024)
            data = json.loads(body)
            init_data = str(data["init_data"])
            activity_id = _bounded(int(data["activity_id"]))
        except (BodyTooLarge, ValueError, KeyError, TypeError):
            return JSONResponse({"error": "bad request"}, status_code=400)
        now = self.now()
        try:
            user = validate_init_data(init_data, self.settings.token, now)
        except InitDataError as error:
            return JSONResponse({"error": "stale" if error.stale else "unauthorised"}, status_code=403 if error.stale else 401)
        reminders_on = True
        async with self.application.bot_data.session_factory.begin() as session:
            activity, result, slot = await activity_repo.try_rsvp(session, activity_id, user.id, now, self.settings.timezone)
            if result == "going":
                person = await activity_repo.get_user(session, user.id)
                reminders_on = person is None or person.reminders_enabled
        if result == "going":
            schedule_reminder(self.application, activity, now)
        language = resolve_language(None, user.language_code, self.settings.default_language)
        gettext = get_translator(language).gettext
        message = gettext(GONE) if result == "gone" else rsvp_answer(gettext, language, self.settings.timezone, result, slot, now, reminders_on)
        return JSONResponse({"result": result, "message": message})

    # -- open data ---------------------------------------------------------------------------------

    async def _export(self, convert) -> list:  # noqa: ANN001 - (places, network names) -> items
        """Convert every visible place batch by batch, yielding to the bot between batches."""
        items: list = []
        async with self.session() as session:
            names = await directory_repo.network_names(session)
            async for batch in public_data.visible_place_batches(session, self.now()):
                items += convert(batch, names)
                await asyncio.sleep(0)
        return items

    async def _stamp(self) -> datetime | None:
        async with self.session() as session:
            return await public_data.last_change(session)

    async def places_csv(self, request: Request) -> Response:
        async def build() -> bytes:
            rows = await self._export(lambda batch, names: [place_row(place, names) for place in batch])
            return write_places(rows).encode()

        stamp = await self._stamp()
        body, packed, etag = await self.built("places.csv", stamp, build)
        return self.cached(request, body, "text/csv; charset=utf-8", stamp, packed, etag)

    async def places_json(self, request: Request) -> Response:
        async def build() -> bytes:
            organizations = await self._export(
                lambda batch, names: [open_data.hsds_organization(place, names, self.public_link) for place in batch]
            )
            document = open_data.places_hsds(organizations, settings=self.settings)
            return await asyncio.to_thread(_json, document)

        stamp = await self._stamp()
        body, packed, etag = await self.built("places.json", stamp, build)
        return self.cached(request, body, "application/json", stamp, packed, etag)

    async def activities_json(self, request: Request) -> Response:
        now = self.now()
        async with self.session() as session:
            found = await self._coming_activities(session, now)
            stamp = await public_data.last_change(session)
        coming = [a for a in found if still_coming(a, now, self.settings.timezone)]
        body = open_data.activities_document(coming, settings=self.settings, now=now, link=self.public_link)
        return self.cached(request, _json(body), "application/json", stamp)

    async def _ical(self, request: Request, name: str, **filters) -> Response:  # noqa: ANN003
        now = self.now()
        async with self.session() as session:
            found = await activity_repo.visible_activities(session, now + timedelta(days=365), now, **filters)
            stamp = await public_data.last_change(session)
        return self._calendar(request, found, name, stamp, now)

    def _calendar(self, request: Request, found, name: str, stamp, now: datetime) -> Response:  # noqa: ANN001
        tz = self.settings.timezone
        events = [public_calendar_event(a, self.public_link(f"/p/{a.initiative_id}") if self.settings.public_url else None)
                  for a in found if still_coming(a, now, tz)]
        # DTSTAMP is the data's last change, not the clock, so an unchanged feed keeps its ETag.
        body = build_calendar(events, tz=tz, now=stamp or now, name=name)
        return self.cached(request, body, "text/calendar; charset=utf-8", stamp)

    async def ical_all(self, request: Request) -> Response:
        return await self._ical(request, "Knooppunt")

    async def ical_network(self, request: Request) -> Response:
        network_id = _bounded(request.path_params["network_id"])
        async with self.session() as session:
            network = next((n for n in await activity_repo.all_networks(session) if n.id == network_id), None)
        if network is None:
            return not_found()
        return await self._ical(request, f"Knooppunt – {network.name}", network_id=network.id)

    async def ical_buurt(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not any(b.name == name for b in gazetteer.buurten()):
            return not_found()
        return await self._ical(request, f"Knooppunt – {name}", buurt=name)

    async def ical_initiative(self, request: Request) -> Response:
        initiative_id = _bounded(request.path_params["initiative_id"])
        now = self.now()
        async with self.session() as session:
            initiative = await public_data.visible_place(session, initiative_id, now) if initiative_id else None
            if initiative is None:
                return not_found()
            found = [a for a in await activity_repo.activities_of_initiatives(session, [initiative.id])
                     if a.initiative.status == "active"]
            stamp = await public_data.last_change(session)
        return self._calendar(request, found, f"Knooppunt – {initiative.name}", stamp, now)

    async def ical_activity(self, request: Request) -> Response:
        activity_id = _bounded(request.path_params["activity_id"])
        now = self.now()
        async with self.session() as session:
            activity = await activity_repo.get_activity(session, activity_id) if activity_id else None
            stamp = await public_data.last_change(session)
        if activity is None or activity.status != "published" or activity.initiative.status != "active":
            return not_found()
        return self._calendar(request, [activity], activity.title, stamp, now)


GONE = N_("Deze activiteit bestaat niet meer.")


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
