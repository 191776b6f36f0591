// The live room and the projector: start from the server's snapshot, apply numbered updates
// from the websocket (or, when websockets are blocked, from polling), never miss one.
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  if (!root) return;
  var state = JSON.parse(document.getElementById("live-state").textContent);
  var t = JSON.parse(document.getElementById("live-labels").textContent);
  var projector = root.dataset.projector === "1";
  var me = state.me;
  var items = new Map(), polls = new Map();
  var myVotes = new Set(state.my_votes), myAnswers = new Set(state.my_poll_answers);
  var lastSeq = state.seq, sortBy = "votes";
  var socket = null, failures = 0, everOpened = false, pollTimer = null, stopped = false;
  state.items.forEach(function (item) { items.set(item.id, item); });
  state.polls.forEach(function (poll) { polls.set(poll.id, poll); });

  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var statusBox = document.getElementById("live-connection");
  function say(text) { if (statusBox) statusBox.textContent = text; }

  // --- applying updates ---------------------------------------------------------------------
  // Updates are applied in number order; one that comes early waits for the missing ones,
  // which are asked for if they have not come after a moment.
  var early = new Map(), gapTimer = null;
  function receive(update) {
    if (update.seq <= lastSeq) return;
    early.set(update.seq, update);
    while (early.has(lastSeq + 1)) {
      var next = early.get(lastSeq + 1);
      early.delete(lastSeq + 1);
      apply(next);
    }
    if (early.size && !gapTimer) gapTimer = window.setTimeout(askForGap, 1500);
  }
  function askForGap() {
    gapTimer = null;
    if (!early.size) return;
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({action: "resume", after: lastSeq}));
    else fetchUpdates();
    gapTimer = window.setTimeout(askForGap, 5000);
  }

  function apply(update) {
    lastSeq = update.seq;
    var data = update.data;
    if (!data) return;
    if (data.kind === "item") {
      var old = items.get(data.item.id) || {};
      items.set(data.item.id, Object.assign({}, old, data.item));
    } else if (data.kind === "votes") {
      var item = items.get(data.item);
      if (item) item.votes = data.votes;
    } else if (data.kind === "poll") {
      polls.set(data.poll.id, data.poll);
    } else if (data.kind === "channel") {
      state.channel = data.channel;
      me.may_post = me.may_post && data.channel.open;
    } else if (data.kind === "removed" && data.participant === me.participant) {
      stop(t.removed);
    }
    scheduleRender();
  }

  var renderPending = false;
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    window.requestAnimationFrame(function () { renderPending = false; render(); });
  }

  // --- rendering ----------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "html") node.innerHTML = attrs[key];  // sanitised on the server
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function url(name, id) { return root.dataset[name].replace(/\/0\/([^/]*)$/, "/" + id + "/$1"); }
  function button(label, name, value, secondary) {
    return el("button", {type: "submit", name: name, value: value, text: label,
                         class: secondary ? "secondary" : ""});
  }
  function form(action, children, cls) {
    return el("form", {method: "post", action: action, class: cls || ""}, children);
  }
  // The reader's own clock, as on every other page (the snapshot carries UTC).
  function localTime(iso) {
    var when = new Date(iso);
    if (isNaN(when)) return iso.slice(11, 16);
    return when.toLocaleTimeString(lang, {hour: "2-digit", minute: "2-digit", hour12: false});
  }
  // The page's language decides the plural category; the server wrote each category's phrase.
  var lang = document.documentElement.lang || undefined;
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  function votesText(n) {
    var phrase = t.votes[plurals ? plurals.select(n) : (n === 1 ? "one" : "other")] || t.votes.other;
    return phrase.replace("%(n)s", n.toLocaleString(lang));
  }
  function shown(item) {
    return item.body_html !== undefined && (item.status === "visible" || me.moderator
      || item.status === "pending");
  }

  function renderItem(item) {
    var badges = [];
    if (item.status === "pending") badges.push(t.pending);
    if (item.status === "hidden") badges.push(t.hidden);
    if (item.answered) badges.push(t.answered);
    var meta = el("p", {class: "meta"}, [el("strong", {text: item.author}),
      item.author_is_guest ? el("span", {class: "role", text: " (" + t.guest + ")"}) : null,
      el("span", {text: " · "}),
      el("time", {datetime: item.created_at, text: localTime(item.created_at)})]);
    badges.forEach(function (b) { meta.appendChild(el("span", {class: "badge", text: b})); });
    var li = el("li", {class: "live-item" + (item.pinned ? " pinned" : ""), "data-id": item.id},
      [meta, el("div", {class: "body", html: item.body_html})]);
    if (item.answer_html) {
      li.appendChild(el("div", {class: "live-answer"}, [el("p", {class: "meta", text: t.answer_live}),
        el("div", {html: item.answer_html})]));
    }
    if (projector) {
      if (item.kind === "question") li.appendChild(el("p", {class: "meta", text: votesText(item.votes)}));
      return li;
    }
    if (item.kind === "question") {
      var votes = el("p", {class: "votes"}, [el("span", {text: votesText(item.votes)})]);
      if (me.may_post && item.status === "visible") {
        var voted = myVotes.has(item.id);
        votes.appendChild(form(url("vote", item.id), [voted ? button(t.withdraw, "vote", "withdraw", true)
          : button(t.vote, "vote", "up")], "live-vote"));
      }
      li.appendChild(votes);
    }
    if (me.moderator) {
      var ops = [];
      if (item.status !== "visible") ops.push(button(t.approve, "op", "approve"));
      if (item.status !== "hidden") ops.push(button(t.hide, "op", "hide", true));
      ops.push(item.pinned ? button(t.unpin, "op", "unpin", true) : button(t.pin, "op", "pin", true));
      li.appendChild(form(url("moderate", item.id), ops, "actions live-moderate"));
      if (item.kind === "question") {
        var id = "answer-" + item.id;
        var area = el("textarea", {id: id, name: "answer", rows: "2"});
        area.value = item.answer || "";
        li.appendChild(form(url("moderate", item.id), [el("label", {for: id, text: t.answer_label}), area,
          button(t.mark_answered, "op", "answer"),
          item.answered ? button(t.not_answered, "op", "unanswer", true) : null], "live-moderate"));
      }
    }
    return li;
  }

  function renderPoll(poll) {
    var section = el("section", {class: "live-poll card", "data-id": poll.id}, [
      el("h3", {text: poll.question}, poll.open ? [] : [el("span", {class: "badge", text: " " + t.closed})])]);
    if (poll.open && me.may_post && !projector) {
      var inputs = poll.options.map(function (option) {
        var id = "option-" + option.id;
        var input = el("input", {type: poll.multiple ? "checkbox" : "radio", name: "option",
                                 value: option.id, id: id});
        input.checked = myAnswers.has(option.id);
        return el("div", {}, [input, el("label", {for: id, text: " " + option.label})]);
      });
      var fieldset = el("fieldset", {}, [el("legend", {class: "visually-hidden", text: poll.question})].concat(inputs));
      section.appendChild(form(url("answerPoll", poll.id), [fieldset, button(t.answer_poll)], "live-poll-answer"));
    }
    var results = el("dl", {class: "poll-results"});
    poll.options.forEach(function (option) {
      var pct = poll.total ? Math.round(100 * option.votes / poll.total) : 0;
      results.appendChild(el("dt", {text: option.label}));
      results.appendChild(el("dd", {}, [el("meter", {min: "0", max: String(poll.total || 1), value: String(option.votes)}),
        el("span", {text: " " + option.votes + " (" + pct + "%)"})]));
    });
    section.appendChild(results);
    if (me.moderator && poll.open && !projector) {
      section.appendChild(form(url("closePoll", poll.id), [button(t.close_poll, "", "", true)]));
    }
    return section;
  }

  function fill(id, nodes, emptyText) {
    var box = document.getElementById(id);
    if (!box) return;
    var focusedForm = document.activeElement && box.contains(document.activeElement);
    if (focusedForm && document.activeElement.tagName === "TEXTAREA") return;  // do not eat typing
    box.replaceChildren.apply(box, nodes.length ? nodes : (emptyText ? [el("li", {class: "meta empty", text: emptyText})] : []));
  }

  function render() {
    var all = Array.from(items.values()).filter(shown);
    var questions = all.filter(function (i) { return i.kind === "question"; });
    var comments = all.filter(function (i) { return i.kind === "comment"; });
    if (sortBy === "votes" || projector) {
      questions.sort(function (a, b) { return b.votes - a.votes || a.id - b.id; });
    } else {
      questions.sort(function (a, b) { return b.id - a.id; });
    }
    if (projector) {
      questions = questions.filter(function (i) { return i.status === "visible" && !i.answered; }).slice(0, 5);
      comments = comments.filter(function (i) { return i.status === "visible"; }).slice(-4);
    } else {
      comments = comments.slice(-50);
    }
    var pinned = all.filter(function (i) { return i.pinned && i.status === "visible"; });
    document.getElementById("live-pinned-section").hidden = !pinned.length;
    fill("live-pinned", pinned.slice(0, 1).map(renderItem));
    fill("live-questions", questions.map(renderItem), projector ? "" : t.no_questions);
    fill("live-comments", comments.map(renderItem), projector ? "" : t.no_comments);
    var pollList = Array.from(polls.values()).reverse();
    if (projector) pollList = pollList.slice(0, 1);
    fill("live-polls", pollList.map(renderPoll));
    var openBox = document.getElementById("live-open");
    if (openBox) openBox.textContent = state.channel.open ? t.open : t.channel_closed;
    var postForm = document.getElementById("live-post");
    if (postForm) postForm.hidden = !state.channel.open;
  }

  // --- the connection -----------------------------------------------------------------------
  function connect() {
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + location.host + root.dataset.ws + "?after=" + lastSeq);
    } catch (e) { return fallBack(); }
    socket.onopen = function () { everOpened = true; failures = 0; stopPolling(); say(t.live); };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "update") receive(message);
      else if (message.type === "reset") reload();
      else if (message.type === "ack" || message.type === "error") settle(message);
    };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4403 || event.code === 4404) return stop(t.removed);
      failures += 1;
      if (failures >= 3 || !everOpened && failures >= 2) fallBack();
      else say(t.reconnecting);
      window.setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, failures)));
    };
  }
  function fallBack() {
    say(t.polling);
    if (!pollTimer) pollTimer = window.setInterval(fetchUpdates, 3000);
  }
  function stopPolling() { if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; } }
  function stop(text) {
    stopped = true; stopPolling(); say(text); me.may_post = false;
    if (socket) socket.close();
    scheduleRender();
  }
  function fetchUpdates() {
    fetch(root.dataset.updates + "?after=" + lastSeq, {headers: {Accept: "application/json"}})
      .then(function (r) { if (r.status === 404 || r.status === 403) { stop(t.removed); return null; } return r.json(); })
      .then(function (body) {
        if (!body) return;
        if (body.reset) return reload();
        body.updates.forEach(receive);
      }).catch(function () {});
  }
  function reload() {
    fetch(root.dataset.state, {headers: {Accept: "application/json"}}).then(function (r) { return r.json(); })
      .then(function (fresh) {
        items.clear(); polls.clear();
        fresh.items.forEach(function (i) { items.set(i.id, i); });
        fresh.polls.forEach(function (p) { polls.set(p.id, p); });
        state.channel = fresh.channel; lastSeq = fresh.seq; early.clear(); scheduleRender();
      });
  }

  // --- writing: over the socket when it is open, else the same POST as without script ----
  var waiting = new Map(), nextRef = 1;
  function settle(message) {
    var done = waiting.get(message.ref);
    if (!done) { if (message.type === "error") say(message.message); return; }
    waiting.delete(message.ref);
    done(message);
  }
  function viaSocket(frame, callback) {
    var ref = "r" + (nextRef++);
    frame.ref = ref;
    waiting.set(ref, callback);
    socket.send(JSON.stringify(frame));
  }
  function viaPost(formEl, submitter, callback) {
    var data = new FormData(formEl);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    fetch(formEl.action, {method: "POST", body: data, credentials: "same-origin",
                          headers: {Accept: "application/json", "X-CSRFToken": csrf}})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (result) {
        callback(result.ok ? Object.assign({type: "ack"}, result.body)
          : Object.assign({type: "error"}, result.body.error || {message: "?"}));
        if (!socket) fetchUpdates();
      }).catch(function () { formEl.submit(); });
  }
  function showError(formEl, message) {
    var box = formEl.querySelector(".error") || formEl.appendChild(el("p", {class: "error", role: "alert"}));
    box.textContent = message || "";
  }

  root.addEventListener("submit", function (event) {
    var formEl = event.target, submitter = event.submitter;
    var open = socket && socket.readyState === 1;
    var done = function (message) {
      if (message.type === "error") {
        var fieldMessages = message.fields && (message.fields.body || message.fields.options);
        return showError(formEl, fieldMessages ? fieldMessages.join(" ") : message.message);
      }
      showError(formEl, "");
      return true;
    };
    if (formEl.id === "live-post") {
      event.preventDefault();
      var body = formEl.elements.body.value, kind = formEl.elements.kind.value;
      var sent = function (message) {
        if (done(message) !== true) return;
        formEl.elements.body.value = "";
        if (message.item) { items.set(message.item.id, message.item); scheduleRender(); }
        say(message.item && message.item.status === "pending" ? t.sent_pending : t.sent);
      };
      if (open) viaSocket({action: "post", kind: kind, body: body}, sent);
      else viaPost(formEl, submitter, sent);
    } else if (formEl.classList.contains("live-vote")) {
      event.preventDefault();
      var id = Number(formEl.closest("[data-id]").dataset.id);
      var up = !(submitter && submitter.value === "withdraw");
      var counted = function (message) {
        if (done(message) !== true && message.code !== "already_voted") return;
        if (up) myVotes.add(id); else myVotes.delete(id);
        if (message.votes !== undefined && items.get(id)) items.get(id).votes = message.votes;
        scheduleRender();
      };
      if (open) viaSocket({action: up ? "vote" : "unvote", item: id}, counted);
      else viaPost(formEl, submitter, counted);
    } else if (formEl.classList.contains("live-poll-answer")) {
      event.preventDefault();
      var chosen = Array.from(formEl.querySelectorAll("input:checked")).map(function (i) { return Number(i.value); });
      var answered = function (message) {
        if (done(message) !== true) return;
        myAnswers.clear(); chosen.forEach(function (o) { myAnswers.add(o); });
      };
      var pollId = Number(formEl.closest("[data-id]").dataset.id);
      if (open) viaSocket({action: "poll_answer", poll: pollId, options: chosen}, answered);
      else viaPost(formEl, submitter, answered);
    } else if (formEl.classList.contains("live-moderate") || formEl.closest(".live-poll")) {
      event.preventDefault();
      viaPost(formEl, submitter, done);
    }
  });

  root.querySelectorAll("[data-sort]").forEach(function (b) {
    b.addEventListener("click", function () {
      sortBy = b.dataset.sort;
      root.querySelectorAll("[data-sort]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === b));
      });
      render();
    });
  });

  render();
  connect();
})();
