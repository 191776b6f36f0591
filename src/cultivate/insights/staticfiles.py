"""Plotly's own browser bundle, served as our static file `plotly/plotly.min.js`.

The plotly wheel carries `package_data/plotly.min.js` (the same version as the Python
package). This finder exposes that one file, so `collectstatic` (run by `cultivate run`) copies
it into STATIC_ROOT next to our files and whitenoise serves it under a content-hashed name,
compressed, with a year-long immutable cache header; tests and the development server find it
through the finder. No CDN: dashboards work offline and on closed networks.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

NAME = "plotly/plotly.min.js"


def bundle() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs):
        if bundle().is_file():
            return []
        return [Error(f"plotly's browser bundle is missing at {bundle()}",
                      hint="Reinstall plotly (its wheel carries package_data/plotly.min.js).",
                      id="insights.E001")]

    def find(self, path, find_all=False, **kwargs):
        find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        found = str(bundle()) if path == NAME and bundle().is_file() else None
        if find_all:
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns):
        if bundle().is_file():
            storage = FileSystemStorage(location=str(bundle().parent))
            storage.prefix = "plotly"
            yield bundle().name, storage
