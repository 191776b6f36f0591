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


PLAIN = (str, int)  # SafeString is a str; lazy strings are not, and go uncached


def _current_app(request):
    """As Django's own tag finds it."""
    try:
        return request.current_app
    except AttributeError:
        try:
            return request.resolver_match.namespace
        except AttributeError:
            return None


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        current_app = _current_app(getattr(context, "request", None))
        url = ""
        try:
            if all(isinstance(v, PLAIN) for v in (view_name, *args, *(v for _k, v in kwargs))):
                url = _reverse(view_name, args, kwargs, current_app,
                               get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(),
                               translation.get_language())
            else:  # an object whose text may change (a model): ask Django each time
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
