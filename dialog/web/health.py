"""Health checks for the orchestrator: alive (/healthz) and ready for traffic (/readyz).

Without the database nothing works, so the process is not ready. Without Redis it still serves
everything: live events reach other processes by polling the outbox and rate limits are counted
in each process. That is "degraded" and still ready; otherwise one Redis outage would take every
replica out of the load balancer at once.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from dialog import unreachable
from dialog.web.services import services

DEGRADED = {
    "hub": "Redis unreachable: live events reach other processes by polling the outbox",
    "rate_limits": "Redis unreachable: each process counts the limits on its own",
}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    found = services(request)
    database, hub, limits = await asyncio.gather(
        unreachable.watch(found.db).reachable(), found.hub.ready(), found.limiter.ready()
    )
    checks = {
        "database": "ok" if database else "unavailable",
        "hub": "ok" if hub else "degraded",
        "rate_limits": "ok" if limits else "degraded",
    }
    degraded = {name: DEGRADED[name] for name, value in checks.items() if value == "degraded"}
    if not database:
        body = {"status": "unavailable", "checks": checks}
        headers = {"Retry-After": str(unreachable.RETRY_AFTER_SECONDS)}
        return JSONResponse(body, status_code=503, headers=headers)
    if degraded:
        return JSONResponse({"status": "degraded", "checks": checks, "degraded": degraded})
    return JSONResponse({"status": "ok", "checks": checks})


routes: list[BaseRoute] = [Route("/healthz", healthz), Route("/readyz", readyz)]
