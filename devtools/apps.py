from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: the demo data (``seed_demo``) and the benchmark (``bench``).  No models, no URLs;
    it sits above every domain app, so nothing in production code imports it."""

    name = "devtools"
    verbose_name = "Development tools"
