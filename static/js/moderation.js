// The moderation queue without page reloads: each card's forms are sent with fetch (the
// server answers JSON when asked), the card leaves the list, and j/k/a/s/r/u work from the
// keyboard. Without this script every form still works, one page load each.
(function () {
  "use strict";
  const queue = document.getElementById("queue");
  if (!queue || !window.fetch) return;
  const list = document.getElementById("queue-cards");
  const count = document.getElementById("queue-count");
  const undoBox = document.getElementById("queue-undo");
  const undoText = document.getElementById("queue-undo-text");
  const empty = document.getElementById("queue-empty");
  let current = null;

  function cards() { return Array.from(list ? list.querySelectorAll(".queue-card") : []); }

  function select(card, focus) {
    if (current) current.classList.remove("queue-current");
    current = card || null;
    if (!current) return;
    current.classList.add("queue-current");
    if (focus) { current.focus({ preventScroll: true }); current.scrollIntoView({ block: "nearest" }); }
  }

  function say(text, ok) {
    let box = document.getElementById("queue-message");
    if (!box) {
      box = document.createElement("ul");
      box.className = "messagelist";
      box.id = "queue-message";
      box.setAttribute("role", "status");
      queue.prepend(box);
    }
    box.innerHTML = "";
    const item = document.createElement("li");
    item.className = ok ? "success" : "warning";
    item.textContent = text;
    box.appendChild(item);
  }

  function update(data) {
    if (count) count.innerHTML = "<strong>" + data.waiting + "</strong> comment" + (data.waiting === 1 ? "" : "s") + " waiting";
    if (data.undo) { undoText.textContent = "Last action: " + data.undo + "."; undoBox.hidden = false; }
    else undoBox.hidden = true;
  }

  function removeCards(ids) {
    const gone = new Set(ids.map(String));
    const before = cards();
    let at = -1;
    before.forEach(function (card, i) {
      if (card.dataset.ids.split(" ").some((id) => gone.has(id))) {
        if (at < 0) at = i;
        card.remove();
      }
    });
    const left = cards();
    if (!left.length) {
      empty.hidden = false;
      const bulk = document.getElementById("bulk-form");
      if (bulk) bulk.hidden = true;
      select(null);
      return;
    }
    if (at >= 0 || !current || !current.isConnected) select(left[Math.min(Math.max(at, 0), left.length - 1)], true);
  }

  async function send(form) {
    const card = form.closest(".queue-card");
    if (card) card.classList.add("queue-leaving");
    let data;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      data = await response.json();
    } catch (error) {
      if (card) card.classList.remove("queue-leaving");
      say("The server did not answer; nothing was changed. Try again.", false);
      return;
    }
    if (card) card.classList.remove("queue-leaving");
    say(data.message, data.ok);
    if (form.classList.contains("queue-undo-form")) {
      if (data.ok) window.location.reload();
      return;
    }
    update(data);
    if (data.ids && data.ids.length) removeCards(data.ids);
  }

  queue.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches(".queue-action, .queue-undo-form, #bulk-form")) return;
    event.preventDefault();
    send(form);
  });

  list && list.addEventListener("click", function (event) {
    const card = event.target.closest(".queue-card");
    if (card) select(card, false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const all = cards();
    const at = all.indexOf(current);
    const key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      const i = at < 0 ? 0 : Math.min(Math.max(at + (key === "j" ? 1 : -1), 0), all.length - 1);
      select(all[i], true);
    } else if (key === "a" || key === "s" || key === "r") {
      if (!current) return;
      const button = current.querySelector('button[data-key="' + key + '"]');
      if (button) { event.preventDefault(); button.form.requestSubmit(); }
    } else if (key === "u" && !undoBox.hidden) {
      event.preventDefault();
      undoBox.querySelector("form").requestSubmit();
    }
  });

  const sort = document.getElementById("queue-sort");
  if (sort) sort.addEventListener("change", function () { sort.form.requestSubmit(); });

  select(cards()[0], false);
})();
