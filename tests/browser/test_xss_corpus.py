"""121 XSS payloads posted to a topic: none executes in Chromium, none leaves a live vector."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cultivate.communities.models import Membership
from cultivate.conversations.actions import do_reply, do_start_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAYLOADS = json.loads((Path(__file__).with_name("xss_payloads.json")).read_text())
THROUGH_THE_FORM = 12  # the rest go through the action the form calls, to keep the test fast
TYPED_IN_PREVIEW = 10
PREVIEW_NOW = """(text) => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  return htmx.ajax("POST", "/markdown/preview/",
                   {target: "#body-preview", values: {body: text, csrfmiddlewaretoken: token}});
}"""

TRAPS = """
window.__fired = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__fired.push(name + ":" + args.join(",")); };
}
"""
LIVE_VECTORS = """() => {
  const found = [];
  for (const el of document.querySelectorAll(".post .body *")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "svg", "math", "style", "form", "input",
         "button", "base", "meta", "link", "video", "audio", "source", "details"].includes(tag))
      found.push("element " + tag);
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (attr.name.startsWith("on") || attr.name === "style" || attr.name === "srcdoc")
        found.push(tag + " @" + attr.name);
      if (["href", "src", "action", "formaction", "xlink:href", "srcset"].includes(attr.name)
          && /^(javascript|vbscript|data):/.test(value))
        found.push(tag + " @" + attr.name + "=" + value.slice(0, 30));
    }
  }
  return found;
}"""


def test_no_payload_executes(page: Page, live_server, make_user, make_community):
    assert len(PAYLOADS) >= 100
    ana = make_user("ana")
    community = make_community(ana, name="Security Clinic")
    ben = make_user("ben")
    Membership.objects.create(community=community, user=ben)
    topic = do_start_topic(actor=ben, community=community, title="Payload collection",
                           body=PAYLOADS[0])
    for payload in PAYLOADS[THROUGH_THE_FORM:]:
        do_reply(actor=ben, topic=topic, body=payload)
    page.add_init_script(TRAPS)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill("ben")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main button[type=submit]").click()
    url = f"{live_server.url}{topic.get_absolute_url()}"
    for payload in PAYLOADS[1:THROUGH_THE_FORM]:
        page.goto(url)
        page.get_by_label("Your reply").fill(payload.replace("\x00", ""))
        page.get_by_role("button", name="Post reply").click()
    page.goto(url)
    expect(page.locator(".post")).to_have_count(len(PAYLOADS))
    for post in page.locator(".post .body").all()[:40]:
        post.hover()  # mouseover handlers, had any survived
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)  # give onload/onerror/autofocus handlers their chance
    assert page.evaluate("window.__fired") == []
    assert dialogs == []
    assert page.evaluate(LIVE_VECTORS) == []


def test_the_traps_do_catch_an_unsanitised_payload(page: Page):
    page.add_init_script(TRAPS)
    page.goto("about:blank")
    page.set_content("<div class='post'><div class='body'><img src=x onerror=alert(1)>"
                     "<a href='javascript:alert(2)'>x</a></div></div>")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__fired") == ["alert:1"]
    assert len(page.evaluate(LIVE_VECTORS)) == 2


def test_no_payload_executes_in_the_live_preview(page: Page, live_server, make_user,
                                                 make_community):
    ana = make_user("ana")
    community = make_community(ana, name="Security Clinic")
    topic = do_start_topic(actor=ana, community=community, title="Preview check", body="Hi")
    page.add_init_script(TRAPS)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill("ana")
    page.locator("#id_password").fill("a-long-passphrase")
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page.wait_for_function("window.htmx !== undefined")
    editor, preview = page.get_by_label("Your reply"), page.locator("#body-preview")
    editor.fill("**bold** check")
    editor.press("End")
    expect(preview.locator("strong")).to_have_text("bold")
    for number, payload in enumerate(PAYLOADS):
        text = payload.replace("\x00", "") + f"\n\nend-{number}"
        if number < TYPED_IN_PREVIEW:  # as a person types: keyup, debounce, htmx swap
            editor.fill(text)
            editor.press("End")
        else:  # the same htmx request and swap, without waiting for the typing pause
            page.evaluate(PREVIEW_NOW, text)
        expect(preview).to_contain_text(f"end-{number}")
        vectors = page.evaluate(LIVE_VECTORS.replace(".post .body", "#body-preview"))
        assert vectors == [], (payload, vectors)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__fired") == []
    assert dialogs == []
