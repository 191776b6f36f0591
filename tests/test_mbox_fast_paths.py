"""The mbox import's shortcuts (issue 18's speed) give what the general paths give: the HTML
render_markdown writes, and on PostgreSQL the search vectors index_posts stores."""

from pathlib import Path

import pytest
from django.db import connection

from cultivate.conversations import mbox_reading
from cultivate.conversations.mbox_import import do_import_mbox
from cultivate.conversations.models import Post
from cultivate.conversations.search import index_posts, search
from cultivate.core.markdown import render_markdown

NOTE = "*(quoted text omitted)*"
TEXTS = [
    "Plain words.\nA second line, with \"quotes\" and 'single' ones > and ?!:;=+-#%$@{}^/",
    "First paragraph.\n\nSecond one (in brackets).\n\n\nThird after two blank lines.",
    "Numbers 2013 and 10.5 percent.\n2013. A year that starts a list\n1) or this",
    "1. a list\n2. of two",
    "Ends with two spaces  \nthen a hard break",
    "Trailing space \nand a leading one\n lazy line",
    "Tab\there", "Non\u00a0breaking space", "Unicode: été, 日本語, emoji 😀",
    "Text\n\n> a quote\n> more", "Text\n\n    indented code", "Heading\n===",
    "Text\n\n- bullet", "*emphasis* and _under_ and `code` and [link](http://example.org)",
    "a | b\n--|--\n1 | 2", "R&D and <b>tags</b> and &amp;", "Escaped \\* star",
    "Image ![x](http://example.org/x.png)", "Para\n\n" + NOTE, NOTE, "",
    "Para\n\n" + NOTE + "\n\nAfter the note", "Para\r\nwith CR",
]


@pytest.mark.parametrize("text", TEXTS)
def test_mail_bodies_render_as_render_markdown_renders_them(text):
    assert mbox_reading.render_body(text, NOTE, render_markdown(NOTE)) == render_markdown(text)


def test_imported_posts_are_found_and_indexed_as_index_posts_would(
        make_user, make_community, tmp_path: Path):
    convener = make_user("convener")
    community = make_community(convener)
    mbox = tmp_path / "list.mbox"
    mbox.write_text(
        "From a@example.org Mon Jan 02 10:00:00 2012\nFrom: Amina <a@example.org>\n"
        "Subject: Cold storage audit\nMessage-ID: <1@example.org>\n"
        "Date: Mon, 02 Jan 2012 10:00:00 +0000\n\nWarehouse convoys were late.\n\n"
        "From b@example.org Mon Jan 02 11:00:00 2012\nFrom: Bruno <b@example.org>\n"
        "Subject: Re: Cold storage audit\nMessage-ID: <2@example.org>\n"
        "In-Reply-To: <1@example.org>\nDate: Mon, 02 Jan 2012 11:00:00 +0000\n\n"
        "The districts reported fleet repairs.\n\nOn Mon, Amina wrote:\n"
        "> Warehouse convoys were late.\n")
    do_import_mbox(actor=convener, community=community, path=mbox, list_name="list")
    opening = Post.objects.get(is_opening=True)
    reply = Post.objects.get(is_opening=False)
    assert reply.reply_to == opening
    assert [hit.post_id for hit in search(convener, "audit")] == [opening.pk]
    assert [hit.post_id for hit in search(convener, "repairs")] == [reply.pk]
    if connection.vendor == "postgresql":
        stored = dict(Post.objects.values_list("pk", "search_vector"))
        index_posts(stored)
        assert dict(Post.objects.values_list("pk", "search_vector")) == stored
