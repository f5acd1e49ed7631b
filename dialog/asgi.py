"""The ASGI application for uvicorn workers: settings from the environment."""

import gc

from dialog import logs
from dialog.app import create_app
from dialog.settings import Settings

settings = Settings.from_env()
logs.configure(settings.log_format, settings.log_level)
app = create_app(settings)

# What the imports and the app built lives as long as the process: out of the garbage
# collector's sight, so its full collections walk only what requests and sockets made since. A
# full collection over these ~250,000 objects takes 0.3-1.3 s on the 2-core benchmark VM, with
# the event loop stopped: in the live benchmark, one event a run arrived 430 ms late (issue 17).
gc.collect()
gc.freeze()
