"""Static information pages and the language switch (the health checks: web/health.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.errors import NotFound
from dialog.i18n import LOCALES, lazy
from dialog.identity import Identity
from dialog.web import feedback, health
from dialog.web.middleware import LOCALE_COOKIE
from dialog.web.services import services
from dialog.web.templating import render


def static_page(template: str) -> Route:
    async def page(request: Request) -> Response:
        return render(request, template)

    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    return Route(f"/{name}", page, name=name)


async def switch_language(request: Request) -> Response:
    code = request.path_params["code"]
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if code in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="lax",
            httponly=True,
            secure=request.url.scheme == "https",
        )
    return response


YEAR = "public, max-age=31536000, immutable"


async def brand_stylesheet(request: Request) -> Response:
    """The primary colour as CSS custom properties (the CSP allows no inline style)."""
    identity = Identity.of(services(request).settings)
    return Response(identity.stylesheet, media_type="text/css", headers={"Cache-Control": YEAR})


async def brand_logo(request: Request) -> Response:
    identity = Identity.of(services(request).settings)
    if identity.logo is None:
        raise NotFound(lazy("No logo is configured."))
    return Response(
        identity.logo.read_bytes(),
        media_type=identity.logo_type,
        # An SVG opened on its own runs nothing and loads nothing.
        headers={"Cache-Control": YEAR, "Content-Security-Policy": "default-src 'none'"},
    )


routes: list[BaseRoute] = [
    Route("/brand.css", brand_stylesheet),
    Route("/brand/logo", brand_logo),
    static_page("pages/contact.html"),
    feedback.route,
    static_page("pages/leichte-sprache.html"),
    static_page("pages/netiquette.html"),
    static_page("pages/privacy.html"),
    Route("/language/{code:str}", switch_language),
    *health.routes,
]
