/* Comments: move the form under the comment being answered, and fetch the one-time
   submission token and the captcha challenge only when the visitor starts writing (the post
   page itself never creates one). URLs come from data attributes the templates render with
   {% url %}, so the site works under a path prefix. */
(function () {
  "use strict";
  // "Edit" links on this browser's recent comments (the server checks the signed cookie)
  var hint = document.cookie.match(/(?:^|; )comment_edit_ids="?([0-9.]+)/);
  var editHolder = document.querySelector("[data-edit-url]");
  var editUrl = editHolder ? editHolder.getAttribute("data-edit-url") : "";
  if (hint && editUrl) {
    hint[1].split(".").forEach(function (id) {
      var actions = document.querySelector("#c" + id + " > .comment-box .comment-actions");
      if (!actions || actions.querySelector(".comment-edit")) return;
      var edit = document.createElement("a");
      edit.href = editUrl.replace(/0\/edit\/$/, id + "/edit/");
      edit.className = "comment-edit";
      edit.textContent = "Edit or delete";
      if (actions.children.length) actions.appendChild(document.createTextNode(" · "));
      actions.appendChild(edit);
    });
  }

  var form = document.getElementById("comment-form");
  if (!form) return;
  var home = document.getElementById("comment-form-home");
  var parentInput = form.querySelector("input[name=parent]");
  var replying = form.querySelector(".comment-replying");
  var replyingTo = form.querySelector(".comment-replying-to");
  var captcha = form.querySelector(".comment-captcha");
  var pending = form.querySelector(".captcha-pending");
  var submission = form.querySelector("input[name=submission]");

  function replyTo(id) {
    var target = document.getElementById("c" + id);
    if (!target || !parentInput) return false;
    var box = target.querySelector(".comment-box");
    box.parentNode.insertBefore(form, box.nextSibling);
    parentInput.value = id;
    if (replying) {
      replying.hidden = false;
      replyingTo.href = "#c" + id;
      var author = target.querySelector(".comment-author");
      replyingTo.textContent = author ? author.textContent.trim() : "a comment";
    }
    var body = form.querySelector("textarea[name=body]");
    if (body) body.focus();
    return true;
  }

  function cancelReply() {
    if (parentInput) parentInput.value = "";
    if (replying) replying.hidden = true;
    if (home) home.appendChild(form);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.comment-reply") : null;
    if (link && replyTo(link.getAttribute("data-parent"))) {
      event.preventDefault();
    }
    if (event.target.closest && event.target.closest(".comment-cancel-reply") && home) {
      event.preventDefault();
      cancelReply();
    }
  });

  function getJSON(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.onload = function () {
      if (request.status === 200) done(JSON.parse(request.responseText));
    };
    request.send();
  }

  // One token per form: sent with the comment, it makes a resend land on the first comment.
  // It comes with the CSRF token and the render stamp: the post page itself holds nothing of
  // one visitor's, so that it can be cached whole. A form sent before they arrive waits.
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var stamp = form.querySelector("input[name=timestamp]");
  var waiting = false;
  function loadToken() {
    var url = form.getAttribute("data-start-url");
    if (!submission || submission.value || !url || waiting) return;
    waiting = true;
    getJSON(url, function (data) {
      submission.value = data.submission;
      if (csrf && !csrf.value) csrf.value = data.csrf;
      if (stamp && !stamp.value) stamp.value = data.timestamp;
      waiting = false;
      if (form.pendingSubmit) {
        var button = form.pendingSubmit;
        form.pendingSubmit = null;
        if (form.requestSubmit) form.requestSubmit(button.name ? button : undefined);
        else form.submit();
      }
    });
  }
  form.addEventListener("submit", function (event) {
    if (!submission || submission.value || !form.getAttribute("data-start-url")) return;
    event.preventDefault();
    form.pendingSubmit = event.submitter || {};
    loadToken();
  });

  function loadChallenge() {
    if (!captcha) return;
    getJSON(captcha.getAttribute("data-refresh-url"), function (data) {
      captcha.querySelector("input[name=captcha_0]").value = data.key;
      var image = captcha.querySelector(".captcha-image");
      image.src = data.image_url;
      image.hidden = false;
      var audio = captcha.querySelector(".captcha-audio");
      if (audio && data.audio_url) {
        audio.href = data.audio_url;
        audio.hidden = false;
      }
      // the box appears with its picture, never empty
      captcha.hidden = false;
      if (pending) pending.hidden = true;
      var answer = captcha.querySelector("input[name=captcha_1]");
      answer.value = "";
    });
  }

  var keyInput = captcha ? captcha.querySelector("input[name=captcha_0]") : null;
  if (captcha) {
    var refresh = captcha.querySelector(".captcha-refresh");
    refresh.hidden = false;
    refresh.addEventListener("click", loadChallenge);
  }
  if ((submission && !submission.value) || (keyInput && !keyInput.value)) {
    form.addEventListener("focusin", function once() {
      form.removeEventListener("focusin", once);
      loadToken();
      if (keyInput && !keyInput.value) loadChallenge();
    });
  }

  if (pending && keyInput && !keyInput.value) pending.hidden = false;

  // A form sent back (errors, a preview) goes back under the comment it answers, in view.
  var initial = parentInput && parentInput.value;
  if (initial && home && home.contains(form)) replyTo(initial);
  var sentBack = form.querySelector(".comment-preview, .form-errors");
  if (sentBack && initial) sentBack.scrollIntoView();
})();
