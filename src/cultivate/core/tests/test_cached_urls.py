"""`{% url %}` remembers its answers and still answers exactly as Django's own tag."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_same_addresses_as_django_with_arguments_keywords_and_as():
    from cultivate.core.templatetags.cached_urls import CachedURLNode

    assert isinstance(Template('{% url "communities:directory" %}').nodelist[0], CachedURLNode)
    assert render('{% url "communities:home" slug="open-door" %}') == "/c/open-door/"
    assert render('{% url "communities:home" "open-door" %}') == "/c/open-door/"
    assert render('{% url "communities:home" slug=s as link %}[{{ link }}]', s="a-b") == \
        "[/c/a-b/]"
    assert render('{% url "communities:directory" %}') == "/"


def test_an_unknown_address_still_fails_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render('{% url "communities:home" slug="not a slug!" %}')
    assert render('{% url "no-such-view" as link %}[{{ link }}]') == "[]"


class Renamed:
    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


def test_an_object_argument_is_asked_each_time_its_text_may_change():
    thing = Renamed("first-name")
    assert render('{% url "communities:home" slug=thing %}', thing=thing) == "/c/first-name/"
    thing.text = "second-name"
    assert render('{% url "communities:home" slug=thing %}', thing=thing) == "/c/second-name/"
