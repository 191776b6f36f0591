from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "cultivate.live"
    verbose_name = "Live backchannel"

    def ready(self):
        from cultivate.core.realtime import GAP_FILLERS
        from cultivate.live.broadcast import GROUP_PREFIX, fill_gap

        GAP_FILLERS[GROUP_PREFIX] = fill_gap
        from cultivate.communities.inbox import SOURCES
        from cultivate.live.inbox import backchannels_to_harvest
        from cultivate.policy import Can

        if (Can.PLAN_EVENTS, backchannels_to_harvest) not in SOURCES:
            SOURCES.append((Can.PLAN_EVENTS, backchannels_to_harvest))
