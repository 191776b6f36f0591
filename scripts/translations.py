"""Refresh the catalogues from the code, then compile them (docs/translation.md).

    .venv/bin/python scripts/translations.py           # extract new strings and compile
    .venv/bin/python scripts/translations.py --compile # only compile the .po files

Extraction needs GNU gettext (apt-get install gettext); compiling does not (polib).
"""

import os
import sys
from pathlib import Path

import django
import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cultivate"


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultivate.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import to_locale

    locales = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
    if "--compile" not in sys.argv:
        os.chdir(PACKAGE)
        call_command("makemessages", locale=locales, no_obsolete=True, add_location="file",
                     ignore_patterns=["tests/*"], verbosity=1)
    for locale in locales:
        source = PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(source))
        catalogue.save_as_mofile(str(source.with_suffix(".mo")))
        print(f"{locale}: {catalogue.percent_translated()}% translated, "
              f"{len(catalogue.fuzzy_entries())} fuzzy")


if __name__ == "__main__":
    main()
