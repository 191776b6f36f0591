"""`{% url %}` with its answers remembered: a page has 20-30 of them and Django's reverse()
costs about 40 µs each, a quarter of a member's page. A built-in library (settings.TEMPLATES),
so every template gets it without loading it; it parses exactly as Django's own tag."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reverse(view_name, args, kwargs, current_app, urlconf, prefix, language) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs),
                   current_app=current_app)


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None) or getattr(
            getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = _reverse(view_name, args, kwargs, current_app,
                           get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(),
                           translation.get_language())
        except TypeError:  # an argument that cannot be a key: ask Django each time
            url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    node.__class__ = CachedURLNode
    return node
