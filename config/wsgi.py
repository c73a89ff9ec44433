import os

from django.core.wsgi import get_wsgi_application

from medijourney.core.memory import freeze_long_lived, tune_malloc

# Before anything else allocates, and before any thread starts (medijourney/core/memory.py).
tune_malloc()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# Load the triage lexicon once per web process, before the first request needs it.
from medijourney.discovery.triage import warm_up  # noqa: E402

warm_up()

# Read the search indexes in the background; readiness (/readyz) says "warming" until done.
from django.conf import settings  # noqa: E402

# What start-up made lives as long as the process: out of the collector's sight once it is made
# (medijourney/core/memory.py, freeze_long_lived).
if settings.DISCOVERY_WARM_INDEXES:
    from medijourney.discovery.search import warm

    warm.start(then=freeze_long_lived)
else:
    freeze_long_lived()
