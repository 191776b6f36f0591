"""How api/ was made from discourse_api's spec/fixtures: python adapt_fixtures.py CLONE"""
import copy
import json
import subprocess
import sys
from pathlib import Path

REPO = sys.argv[1]  # a clone of https://github.com/discourse/discourse_api
COMMIT = "6e5e71b692bbf86e9d052506e7647cb9aa5a84c2"
OUT = Path(__file__).parent / "api"
OUT.mkdir(parents=True, exist_ok=True)

def fixture(name):
    return json.loads(subprocess.check_output(
        ["git", "-C", REPO, "show", f"{COMMIT}:spec/fixtures/{name}.json"]))

def save(name, data):
    (OUT / name).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

save("categories.json", fixture("categories"))

# Topic 57: the real try.discourse.org topic, in category test1, with two tags.
t57 = fixture("topic")
t57["category_id"] = 1
t57["tags"] = ["sandbox", "welcome"]
save("t-57.json", t57)

# Topic 8: the welcome post (post.json) and a reply (topic_posts.json) that is the accepted answer.
opening = fixture("post")
reply = fixture("topic_posts")["post_stream"]["posts"][0]
reply.update(topic_id=8, topic_slug="welcome-to-discourse", post_number=2, accepted_answer=True,
             raw="This is a raw post  I've got white   space!... and emojis 😈😈😈😈😈😈",
             actions_summary=[{"id": 2, "count": 2, "can_act": True}])
t8 = {k: copy.deepcopy(v) for k, v in t57.items() if k not in ("post_stream", "details")}
t8.update(id=8, title="Welcome to Discourse", fancy_title="Welcome to Discourse",
          slug="welcome-to-discourse", posts_count=2, reply_count=1, highest_post_number=2,
          created_at=opening["created_at"], last_posted_at=reply["created_at"], category_id=2,
          pinned=False, tags=["welcome"], draft_key="topic_8", views=12,
          accepted_answer={"post_number": 2, "username": reply["username"],
                           "excerpt": "This is a raw post", "name": reply["name"]})
t8["post_stream"] = {"posts": [opening, reply], "stream": [opening["id"], reply["id"]]}
t8["details"] = {"created_by": {"id": -1, "username": "system"},
                 "participants": [{"id": -1, "username": "system", "post_count": 1},
                                  {"id": 123, "username": "Some-username", "post_count": 1}]}
save("t-8.json", t8)

# Topic 4: "This is a markdown post" (category_latest_topics.json) by fuzzy, moved to test3;
# its posts are written here (the fixtures have none): an opening with two uploads, a reply,
# a whisper and a deleted post.
listing4 = fixture("category_latest_topics")["topic_list"]["topics"][1]
base_post = {k: v for k, v in opening.items() if k not in ("raw", "cooked")}
def post4(pid, number, when, raw, cooked, **extra):
    p = copy.deepcopy(base_post)
    p.update(id=pid, post_number=number, created_at=when, updated_at=when, raw=raw, cooked=cooked,
             topic_id=4, topic_slug=listing4["slug"], user_id=3, username="fuzzy", name="Fuzzy",
             display_username="Fuzzy", moderator=False, admin=False, staff=False,
             avatar_template=fixture("category_latest_topics")["users"][0]["avatar_template"],
             **{"reply_to_post_number": None, **extra})
    return p
upload = fixture("upload_file")
gif_path = upload["url"].replace(".jpg", ".gif")
posts4 = [
    post4(40, 1, listing4["created_at"],
          "# A markdown post\n\nWith *emphasis*, a picture:\n\n"
          "![grumpy_cat.gif|360x360](upload://9Ct5W75p3SHRlq6I3TfD1OaFEdR.gif)\n\n"
          "and notes: [notes.pdf|attachment](upload://7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf) (12 KB)",
          f'<h1>A markdown post</h1>\n<p>With <em>emphasis</em>, a picture:</p>\n'
          f'<p><img src="{gif_path}" alt="grumpy_cat.gif" width="360" height="360"></p>\n'
          '<p>and notes: <a class="attachment" '
          'href="/uploads/short-url/7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf">notes.pdf</a> (12 KB)</p>'),
    post4(41, 2, "2014-04-16T14:20:11.000-04:00", "A reply to the **markdown** post.",
          "<p>A reply to the <strong>markdown</strong> post.</p>", reply_to_post_number=1),
    post4(42, 3, "2014-04-16T14:25:00.000-04:00", "Staff only: a whisper.",
          "<p>Staff only: a whisper.</p>", post_type=4),
    post4(43, 4, "2014-04-16T14:31:37.371-04:00", "Deleted.", "<p>Deleted.</p>",
          deleted_at="2014-04-16T14:40:00.000-04:00", reply_to_post_number=2),
]
t4 = {k: copy.deepcopy(v) for k, v in t8.items()
      if k not in ("post_stream", "details", "accepted_answer")}
t4.update({k: listing4[k] for k in ("id", "title", "fancy_title", "slug", "created_at",
                                    "last_posted_at", "views", "archetype")})
t4.update(category_id=3, posts_count=4, highest_post_number=4, reply_count=1, tags=[],
          draft_key="topic_4", closed=True)
t4["post_stream"] = {"posts": posts4, "stream": [p["id"] for p in posts4]}
t4["details"] = {"created_by": {"id": 3, "username": "fuzzy"}}
save("t-4.json", t4)

# The listing: latest.json's shape, two pages, entries made to match the topics above.
latest = fixture("latest")
def entry(template, topic):
    e = copy.deepcopy(template)
    e.update({k: topic[k] for k in ("id", "title", "fancy_title", "slug", "posts_count",
                                    "created_at", "last_posted_at", "category_id",
                                    "highest_post_number")})
    return e
page0 = copy.deepcopy(latest)
page0["topic_list"]["topics"] = [entry(latest["topic_list"]["topics"][0], t57),
                                 entry(latest["topic_list"]["topics"][1], t8)]
page0["topic_list"]["more_topics_url"] = (
    "/latest.json?ascending=true&no_definitions=true&order=created&page=1")
save("latest-0.json", page0)
page1 = fixture("category_latest_topics")
page1["topic_list"]["topics"] = [entry(page1["topic_list"]["topics"][1], t4)]
save("latest-1.json", page1)

save("likes-123456.json", fixture("post_action_users"))
user = fixture("user")
user["user"].update(id=1, username="jane_smith", name="Jane Smith", email=None, location="Lisbon")
save("user-jane_smith.json", user)
save("lookup-urls.json", [
    {"short_url": "upload://9Ct5W75p3SHRlq6I3TfD1OaFEdR.gif", "url": gif_path,
     "short_path": "/uploads/short-url/9Ct5W75p3SHRlq6I3TfD1OaFEdR.gif"},
    {"short_url": "upload://7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf",
     "url": "/uploads/default/original/1X/6a1b2c3d4e5f60718293a4b5c6d7e8f901234567.pdf",
     "short_path": "/uploads/short-url/7eVGzrbpUyPyWCNf2Uj4TPIjJcq.pdf"}])
files = OUT / "files"
files.mkdir(exist_ok=True)
(files / gif_path.rsplit("/", 1)[1]).write_bytes(
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
print(gif_path)
