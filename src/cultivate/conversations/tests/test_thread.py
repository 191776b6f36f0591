import pytest

from cultivate.conversations import actions


@pytest.mark.django_db(transaction=True)
def test_shared_thread_fragment_keeps_each_viewers_controls_and_stays_fresh(
        clinic, signed_in, settings):
    """Members share one cached rendering of the thread; their own buttons are put in per post."""
    settings.PAGE_CACHE_SECONDS = 60
    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, kind="question",
                                   title="Budget calendars", body="When do you start?")
    answer = actions.do_reply(actor=p["cleo"], topic=topic, body="In March.")
    ben, cleo = signed_in(p["ben"]), signed_in(p["cleo"])
    url = topic.get_absolute_url()
    edit_answer = f'href="{url}p/{answer.pk}/edit/"'
    helpful = f'action="{url}p/{answer.pk}/helpful/"'
    as_ben = ben.get(url).content.decode()
    assert helpful in as_ben and edit_answer not in as_ben and "Accept this answer" in as_ben
    as_cleo = cleo.get(url).content.decode()  # from the same cached thread
    assert edit_answer in as_cleo and helpful not in as_cleo
    assert "Accept this answer" not in as_cleo
    assert ben.post(f"{url}p/{answer.pk}/helpful/", {"helpful": "on"}).status_code == 302
    assert "1 found this helpful" in cleo.get(url).content.decode()
    assert 'aria-pressed="true"' in ben.get(url).content.decode()
    ben.post(f"{url}p/{answer.pk}/helpful/", {"helpful": "off"})
    assert "found this helpful" not in cleo.get(url).content.decode()
    actions.do_reply(actor=p["ana"], topic=topic, body="April here.")
    assert "April here." in ben.get(url).content.decode()
    assert "Following: stop" in as_ben  # the asker follows automatically
    actions.do_set_following(actor=p["ben"], topic=topic, following=False)
    assert "Follow this topic" in ben.get(url).content.decode()


@pytest.mark.django_db
def test_changeable_posts_agree_with_the_single_post_rule(clinic):
    from cultivate import policy

    community, p = clinic
    topic = actions.do_start_topic(actor=p["ben"], community=community, title="Budget calendars",
                                   body="When?")
    actions.do_reply(actor=p["cleo"], topic=topic, body="March")
    posts = list(topic.posts.all())
    for person in (*p.values(), None):
        standing = policy.standing_of(person, community)
        expected = {post.pk for post in posts if policy.may_change_post(person, standing, post)}
        assert policy.changeable_post_ids(person, standing, posts) == expected
