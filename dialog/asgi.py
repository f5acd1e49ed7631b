"""The ASGI application for uvicorn workers: settings from the environment."""

from dialog import logs
from dialog.app import create_app
from dialog.settings import Settings

settings = Settings.from_env()
logs.configure(settings.log_format, settings.log_level)
app = create_app(settings)
