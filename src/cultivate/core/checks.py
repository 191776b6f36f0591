"""`cultivate check --deploy` refuses a secret key that others know or can guess."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from cultivate.core.secret_key import MIN_LENGTH, OLD_DEFAULT_KEY


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    key = settings.SECRET_KEY
    if key == OLD_DEFAULT_KEY:
        return [Error("SECRET_KEY is the default once written in Cultivate's source: anyone can "
                      "forge sessions, email confirmations and unsubscribe links with it.",
                      hint="Set SECRET_KEY to 50 or more random characters.", id="core.E001")]
    if len(key) < MIN_LENGTH or len(set(key)) < 5:
        return [Error(f"SECRET_KEY has fewer than {MIN_LENGTH} characters or few distinct ones.",
                      hint="Set SECRET_KEY to 50 or more random characters.", id="core.E002")]
    if getattr(settings, "SECRET_KEY_GENERATED", False):
        return [Error("SECRET_KEY is not set: this instance uses the key generated into its data "
                      "directory for the embedded tier.",
                      hint="In production set SECRET_KEY (the same for every worker) and "
                           "CULTIVATE_ENV=production.", id="core.E003")]
    return []
