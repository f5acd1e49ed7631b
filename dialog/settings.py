"""One frozen Settings object, read once from DIALOG_* environment variables."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_COLOUR = "#004f9f"
PANEL_COLOUR = "#f3f5f7"  # --panel in static/css/site.css: filters and footers carry links on it
MIN_CONTRAST = 4.5
LOGO_MAX_BYTES = 256 * 1024

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Every setting, with a one-line description. The README lists each of them (a test checks).
DOCUMENTED_SETTINGS: dict[str, str] = {
    "DIALOG_ENV": "development (default) or production: cookies, log format, error detail",
    "DIALOG_VAR_DIR": "directory for the SQLite file, the generated secret and offline mail",
    "DIALOG_DATABASE_URL": "SQLAlchemy URL; sqlite+aiosqlite:///… or postgresql+asyncpg://…",
    "DIALOG_DATABASE_POOL_SIZE": "database connections each process keeps open for reuse (default 20; up to 10 more are opened for bursts and closed afterwards)",
    "DIALOG_REDIS_URL": "redis://… to share events between processes; unset: in-process hub",
    "DIALOG_REDIS_NAMESPACE": "prefix of Redis channels and keys, so several deployments can share one Redis (default dialog)",
    "DIALOG_SECRET_KEY": "at least 32 characters; unset: generated once into var/secret_key",
    "DIALOG_BASE_URL": "public origin, e.g. https://dialog.potsdam.de; used in mails and Origin checks (required in production; unset in development: http://127.0.0.1 with the port `dialog serve` runs on)",
    "DIALOG_SMTP_URL": "smtp://user:pass@host:port (smtps:// for TLS); unset: mails go to var/mail/",
    "DIALOG_MAIL_FROM": "sender address of outgoing mail",
    "DIALOG_OIDC_ISSUER": "OpenID Connect issuer URL of the city's single sign-on",
    "DIALOG_OIDC_CLIENT_ID": "OIDC client id",
    "DIALOG_OIDC_CLIENT_SECRET": "OIDC client secret",
    "DIALOG_OIDC_ROLE_CLAIM": "claim that carries group names (default: groups)",
    "DIALOG_OIDC_ROLE_MAP": "group=role[:department] pairs, comma separated",
    "DIALOG_LOG_FORMAT": "json or text; default json in production, text in development",
    "DIALOG_LOG_LEVEL": "DEBUG, INFO (default), WARNING, ERROR",
    "DIALOG_FLAG_THRESHOLD": "flags by different accounts that hide a comment until reviewed (default 3)",
    "DIALOG_EVENT_RETENTION": "how many days of events the live replay keeps (default 7)",
    "DIALOG_HANDOVER_INTERVAL": "seconds between runs of the hand-over worker that delivers results to departments (default 30)",
    "DIALOG_LIVE_SOCKETS_PER_ADDRESS": "live sockets one client address may hold open in each process while not signed in (default 50)",
    "DIALOG_LIVE_SIGNED_IN_SOCKETS_PER_ADDRESS": "live sockets of signed-in people one client address may hold open in each process (default 250)",
    "DIALOG_MAIL_INTERVAL": "seconds between looks of the mail worker at the outbox for mail queued by other processes and retries that came due (default 5; mail queued by the same process goes out at once)",
    "DIALOG_MAIL_MAX_ATTEMPTS": "attempts at a mail before it is marked failed; retries wait 30 s, 1, 2, 4 … minutes, at most an hour (default 20: about 13 hours of retrying)",
    "DIALOG_CONCERN_RETENTION_DAYS": "days after an idea or complaint is archived until its author's name, e-mail address, photos, internal notes and supporters are removed (default 30)",
    "DIALOG_OPEN311_API_KEYS": "name:key pairs, comma separated, of the apps that may create Open311 requests without an e-mail confirmation (keys of at least 24 characters); unset: e-mail confirmation only",
    "DIALOG_SITE_NAME": "the platform's name in the header and page titles (default dialog)",
    "DIALOG_BRAND_COLOUR": "primary colour #rrggbb of header, links and buttons; start-up refuses one with less than 4.5:1 contrast against white and the panel grey (default #004f9f)",
    "DIALOG_LOGO": "path to the city's logo (.svg or .png, at most 256 KB) shown in the header beside the name; unset: the name alone",
    "DIALOG_MAP_TILES": "the city's own map tiles as an https URL template with {z}, {x} and {y} (e.g. https://geo.potsdam.de/tiles/{z}/{x}/{y}.png): the form for ideas and complaints then offers a point on a map; unset: no map (pages never load tiles from anyone else)",
    "DIALOG_MAP_ATTRIBUTION": "the tiles' attribution shown under the map, e.g. © Landeshauptstadt Potsdam (default: none)",
    "DIALOG_MAP_CENTRE": "latitude,longitude where the map starts (default 52.3906,13.0645: Potsdam's centre)",
    "DIALOG_PROPOSAL_THRESHOLD": "supporters a proposal needs by default before the office must decide (default 100; the office may set another when publishing)",
    "DIALOG_PROPOSAL_DAYS": "days a published proposal collects support by default (default 90; the office may set another when publishing)",
    "DIALOG_PROPOSAL_CHECK_INTERVAL": "seconds between looks for proposals whose support period ended (default 300)",
    "DIALOG_WEBHOOK_ALLOW_PRIVATE": "true lets hand-over webhooks reach loopback, private and link-local addresses (a relay on the same host, tests); default false",
    # notifications
    "DIALOG_NOTIFY_HOLD_BACK": "seconds a notification waits before it is mailed, so a burst becomes one mail (default 600)",
    "DIALOG_DIGEST_INACTIVE_DAYS": "people not signed in for this many days get no digests (default 180)",
}


class SettingsError(Exception):
    """A setting is wrong; the message is one line naming the variable."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    database_pool_size: int = 20
    redis_url: str | None = None
    redis_namespace: str = "dialog"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    mail_from: str = "dialog@localhost"
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_role_claim: str = "groups"
    oidc_role_map: Mapping[str, str] = field(default_factory=dict)
    log_format: str = "text"
    log_level: str = "INFO"
    flag_threshold: int = 3
    event_retention_days: int = 7
    handover_interval: int = 30
    live_sockets_per_address: int = 50
    live_signed_in_sockets_per_address: int = 250
    mail_interval: int = 5
    mail_max_attempts: int = 20
    webhook_allow_private: bool = False
    concern_retention_days: int = 30
    open311_api_keys: Mapping[str, str] = field(default_factory=dict)  # key → client name
    site_name: str = "dialog"
    brand_colour: str = DEFAULT_COLOUR
    logo: Path | None = None
    map_tiles: str | None = None  # the city's own tile server: an https URL template
    map_attribution: str = ""
    map_centre: tuple[float, float] = (52.3906, 13.0645)
    notify_hold_back: int = 600
    digest_inactive_days: int = 180
    proposal_threshold: int = 100
    proposal_days: int = 90
    proposal_check_interval: int = 300

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        unknown = sorted(k for k in env if k.startswith("DIALOG_") and k not in DOCUMENTED_SETTINGS)
        unknown = [k for k in unknown if not k.startswith("DIALOG_TEST_")]
        if unknown:
            raise SettingsError(f"{unknown[0]}: unknown setting (see README, Configuration)")
        mode = _choice(env, "DIALOG_ENV", ("development", "production"), "development")
        var_dir = Path(env.get("DIALOG_VAR_DIR") or PROJECT_ROOT / "var")
        database_url = env.get("DIALOG_DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir}/dialog.db"
        _check_database_url(database_url)
        redis_url = env.get("DIALOG_REDIS_URL") or None
        if redis_url and urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise SettingsError("DIALOG_REDIS_URL: must start with redis://, rediss:// or unix://")
        base_url = env.get("DIALOG_BASE_URL") or "http://127.0.0.1:8000"
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise SettingsError("DIALOG_BASE_URL: must be an absolute http(s) URL")
        if mode == "production" and urlsplit(base_url).scheme != "https":
            raise SettingsError("DIALOG_BASE_URL: must use https in production")
        smtp_url = env.get("DIALOG_SMTP_URL") or None
        if smtp_url and urlsplit(smtp_url).scheme not in ("smtp", "smtps"):
            raise SettingsError("DIALOG_SMTP_URL: must start with smtp:// or smtps://")
        secret_key = env.get("DIALOG_SECRET_KEY") or ""
        if secret_key and len(secret_key) < 32:
            raise SettingsError("DIALOG_SECRET_KEY: must be at least 32 characters long")
        if not secret_key:
            if mode == "production":
                raise SettingsError("DIALOG_SECRET_KEY: must be set in production")
            secret_key = _generated_secret(var_dir)
        issuer = env.get("DIALOG_OIDC_ISSUER") or None
        client_id = env.get("DIALOG_OIDC_CLIENT_ID") or None
        if bool(issuer) != bool(client_id):
            missing = "DIALOG_OIDC_CLIENT_ID" if issuer else "DIALOG_OIDC_ISSUER"
            raise SettingsError(f"{missing}: must be set together with the other OIDC settings")
        log_default = "json" if mode == "production" else "text"
        return cls(
            env=mode,
            var_dir=var_dir,
            database_url=database_url,
            database_pool_size=_positive_int(env, "DIALOG_DATABASE_POOL_SIZE", 20),
            redis_url=redis_url,
            redis_namespace=_namespace(env.get("DIALOG_REDIS_NAMESPACE") or "dialog"),
            secret_key=secret_key,
            base_url=base_url.rstrip("/"),
            smtp_url=smtp_url,
            mail_from=env.get("DIALOG_MAIL_FROM") or "dialog@localhost",
            oidc_issuer=issuer,
            oidc_client_id=client_id,
            oidc_client_secret=env.get("DIALOG_OIDC_CLIENT_SECRET") or None,
            oidc_role_claim=env.get("DIALOG_OIDC_ROLE_CLAIM") or "groups",
            oidc_role_map=_role_map(env.get("DIALOG_OIDC_ROLE_MAP") or ""),
            log_format=_choice(env, "DIALOG_LOG_FORMAT", ("json", "text"), log_default),
            log_level=_choice(
                env, "DIALOG_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"
            ),
            flag_threshold=_positive_int(env, "DIALOG_FLAG_THRESHOLD", 3),
            event_retention_days=_positive_int(env, "DIALOG_EVENT_RETENTION", 7),
            handover_interval=_positive_int(env, "DIALOG_HANDOVER_INTERVAL", 30),
            live_sockets_per_address=_positive_int(env, "DIALOG_LIVE_SOCKETS_PER_ADDRESS", 50),
            live_signed_in_sockets_per_address=_positive_int(
                env, "DIALOG_LIVE_SIGNED_IN_SOCKETS_PER_ADDRESS", 250
            ),
            mail_interval=_positive_int(env, "DIALOG_MAIL_INTERVAL", 5),
            mail_max_attempts=_positive_int(env, "DIALOG_MAIL_MAX_ATTEMPTS", 20),
            proposal_threshold=_positive_int(env, "DIALOG_PROPOSAL_THRESHOLD", 100),
            proposal_days=_positive_int(env, "DIALOG_PROPOSAL_DAYS", 90),
            proposal_check_interval=_positive_int(env, "DIALOG_PROPOSAL_CHECK_INTERVAL", 300),
            webhook_allow_private=_flag(env, "DIALOG_WEBHOOK_ALLOW_PRIVATE"),
            concern_retention_days=_positive_int(env, "DIALOG_CONCERN_RETENTION_DAYS", 30),
            open311_api_keys=_api_keys(env.get("DIALOG_OPEN311_API_KEYS") or ""),
            site_name=_site_name(env.get("DIALOG_SITE_NAME") or "dialog"),
            brand_colour=_brand_colour(env.get("DIALOG_BRAND_COLOUR") or DEFAULT_COLOUR),
            logo=_logo(Path(env["DIALOG_LOGO"])) if env.get("DIALOG_LOGO") else None,
            map_tiles=_map_tiles(env.get("DIALOG_MAP_TILES") or ""),
            map_attribution=_map_attribution(env.get("DIALOG_MAP_ATTRIBUTION") or ""),
            map_centre=_map_centre(env.get("DIALOG_MAP_CENTRE") or "52.3906,13.0645"),
            notify_hold_back=_positive_int(env, "DIALOG_NOTIFY_HOLD_BACK", 600),
            digest_inactive_days=_positive_int(env, "DIALOG_DIGEST_INACTIVE_DAYS", 180),
        )


def local_base_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches a development server at."""
    if host in ("", "0.0.0.0", "::"):  # listening everywhere: loopback reaches it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise SettingsError(f"{name}: must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name}: must be at least 1")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = (env.get(name) or "false").strip().lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError(f"{name}: must be true or false, not {value!r}")
    return value in ("true", "1", "yes")


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return sum(
            weight * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
            for weight, c in ((0.2126, r), (0.7152, g), (0.0722, b))
        )

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _brand_colour(colour: str) -> str:
    """White header text, links and buttons use the colour: WCAG 1.4.3 asks 4.5:1 of each,
    against white and against the panel grey."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise SettingsError(f"DIALOG_BRAND_COLOUR: must be a colour like #004f9f, not {colour!r}")
    colour = colour.lower()
    for background, name in (("#ffffff", "white"), (PANEL_COLOUR, "the panel grey")):
        ratio = contrast(colour, background)
        if ratio < MIN_CONTRAST:
            raise SettingsError(
                f"DIALOG_BRAND_COLOUR: {colour} has a contrast of {ratio:.2f}:1 against {name} "
                f"({background}); white text, links and buttons need at least "
                f"{MIN_CONTRAST}:1 (WCAG 1.4.3)"
            )
    return colour


def _logo(path: Path) -> Path:
    if path.suffix.lower() not in (".svg", ".png"):
        raise SettingsError(f"DIALOG_LOGO: must be an .svg or .png file, not {path.name!r}")
    if not path.is_file():
        raise SettingsError(f"DIALOG_LOGO: {path} does not exist")
    if path.stat().st_size > LOGO_MAX_BYTES:
        raise SettingsError(f"DIALOG_LOGO: {path} is larger than {LOGO_MAX_BYTES // 1024} KB")
    return path


def _api_keys(raw: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        name, sep, key = pair.partition(":")
        if not sep or not name.strip() or len(key.strip()) < 24:
            raise SettingsError(
                "DIALOG_OPEN311_API_KEYS: name:key pairs with keys of at least 24 characters"
            )
        keys[key.strip()] = name.strip()
    return keys


def _map_tiles(value: str) -> str | None:
    """An https URL template of the city's own tiles (http only on this machine, for tests);
    its origin is the one other origin pages may load images from."""
    value = value.strip()
    if not value:
        return None
    parts = urlsplit(value)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if (
        not all(f"{{{p}}}" in value for p in "zxy")
        or not parts.hostname
        or not (parts.scheme == "https" or (parts.scheme == "http" and local))
        or any(c in value for c in " ;'\"")
    ):
        raise SettingsError(
            "DIALOG_MAP_TILES: an https URL template with {z}, {x} and {y}, "
            "e.g. https://geo.example.org/tiles/{z}/{x}/{y}.png"
        )
    return value


def map_origin(template: str) -> str:
    parts = urlsplit(template)
    return f"{parts.scheme}://{parts.netloc}"


def _map_attribution(value: str) -> str:
    value = value.strip()
    if len(value) > 200 or not value.isprintable():
        raise SettingsError("DIALOG_MAP_ATTRIBUTION: at most 200 printable characters")
    return value


def _map_centre(value: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        lat, lon = 99.0, 0.0
    if not (-85 <= lat <= 85 and -180 <= lon <= 180):
        raise SettingsError("DIALOG_MAP_CENTRE: latitude,longitude, e.g. 52.3906,13.0645")
    return (lat, lon)


def _site_name(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 60 or not value.isprintable():
        raise SettingsError("DIALOG_SITE_NAME: 1 to 60 printable characters")
    return value


def _namespace(value: str) -> str:
    if not value.replace("-", "").replace("_", "").isalnum() or len(value) > 40:
        raise SettingsError("DIALOG_REDIS_NAMESPACE: letters, digits, - and _ only, at most 40")
    return value


def _check_database_url(url: str) -> None:
    scheme = url.split("://", 1)[0]
    if scheme not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise SettingsError(
            "DIALOG_DATABASE_URL: must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )


def _role_map(raw: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        group, sep, role = pair.partition("=")
        if not sep or role.split(":", 1)[0] not in (
            "resident",
            "moderator",
            "office",
            "staff",
            "admin",
        ):
            raise SettingsError(
                f"DIALOG_OIDC_ROLE_MAP: {pair!r} is not group=role[:department-slug]"
            )
        mapping[group.strip()] = role.strip()
    return mapping


def _generated_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
