from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cultivate.people"
    label = "people"

    def ready(self):
        from cultivate.core import clock, page_cache, ratelimit
        from cultivate.people.mydata import signals  # noqa: F401 - connects the receivers
        from cultivate.people.mydata.erasure import carry_out_due_erasures
        from cultivate.people.queries import token_owner_id

        clock.register(carry_out_due_erasures)  # erasures whose grace period ended
        if not ratelimit.TOKEN_OWNER:
            ratelimit.TOKEN_OWNER.append(token_owner_id)
        # A person's name and picture show on pages of every community they write in: a
        # change to them (profile, claim, erasure) expires everything cached.
        for label in ("people.user", "people.accountclaim", "people.erasurerequest"):
            page_cache.RELATED_SCOPES[label] = lambda _obj: [page_cache.EPOCH]
