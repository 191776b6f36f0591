"""The site's own address and name, for links that leave a page: mails, feeds, files.

`SITE_URL` is the public address an operator sets. When it is not set, `cultivate run`
derives it from the host and port it serves on, so a local start on any port links to itself.
"""

import os

from django.conf import settings

# Hosts that listen everywhere are not addresses a browser can open.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104


def local_address(host: str, port: int) -> str:
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


def adopt_serving_address(host: str, port: int) -> str:
    """Use the address we serve on unless the operator configured one; return the address.

    Set in the environment too, so uvicorn's worker processes and the task worker it starts
    read the same address when they load the settings."""
    if not os.environ.get("SITE_URL"):
        os.environ["SITE_URL"] = local_address(host, port)
        settings.SITE_URL = os.environ["SITE_URL"]
    return settings.SITE_URL


def sync_site_record(**_kwargs) -> None:
    """Keep django.contrib.sites' row (allauth names the site in its mails from it) equal to
    the configured name and address, instead of the 'example.com' Django creates."""
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={
        "domain": domain[:100], "name": settings.SITE_NAME[:50]})
