/* Comments: move the form under the comment being answered, and fetch the captcha challenge
   only when the visitor starts writing (the post page itself never creates one). */
(function () {
  "use strict";
  // "Edit" links on this browser's recent comments (the server checks the signed cookie)
  var hint = document.cookie.match(/(?:^|; )comment_edit_ids="?([0-9.]+)/);
  if (hint) {
    hint[1].split(".").forEach(function (id) {
      var actions = document.querySelector("#c" + id + " > .comment-box .comment-actions");
      if (!actions) return;
      var edit = document.createElement("a");
      edit.href = "/comments/" + id + "/edit/";
      edit.className = "comment-edit";
      edit.textContent = "Edit";
      actions.appendChild(document.createTextNode(" · "));
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

  function loadChallenge() {
    if (!captcha) return;
    var url = captcha.getAttribute("data-refresh-url");
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.onload = function () {
      if (request.status !== 200) return;
      var data = JSON.parse(request.responseText);
      captcha.querySelector("input[name=captcha_0]").value = data.key;
      var image = captcha.querySelector(".captcha-image");
      image.src = data.image_url;
      image.hidden = false;
      var audio = captcha.querySelector(".captcha-audio");
      if (data.audio_url) {
        audio.href = data.audio_url;
        audio.hidden = false;
      }
      var answer = captcha.querySelector("input[name=captcha_1]");
      answer.value = "";
    };
    request.send();
  }

  if (captcha) {
    var refresh = captcha.querySelector(".captcha-refresh");
    refresh.hidden = false;
    refresh.addEventListener("click", loadChallenge);
    var keyInput = captcha.querySelector("input[name=captcha_0]");
    if (!keyInput.value) {
      form.addEventListener("focusin", function once() {
        form.removeEventListener("focusin", once);
        if (!keyInput.value) loadChallenge();
      });
    }
  }

  var initial = parentInput && parentInput.value;
  if (initial && home && home.contains(form)) replyTo(initial);
})();
