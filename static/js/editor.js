/* The post editor in the admin (posts/editor.py): Write | Preview, the preview drawn with the
   site's own stylesheet, Insert image, label suggestions and the Publish box. No inline
   script anywhere (the CSP forbids it); every part works alone and the form without it. */
(function () {
  "use strict";

  /* -- Preview: a sandboxed frame (no script runs in it) holding the reader's page. ----- */

  function previewDocument(cssUrl) {
    const doc = document.implementation.createHTMLDocument("Preview");
    doc.documentElement.lang = document.documentElement.lang || "en";
    const css = doc.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL(cssUrl, location.href).href;
    doc.head.appendChild(css);
    const base = doc.createElement("base");
    base.target = "_blank";
    doc.head.appendChild(base);
    doc.body.innerHTML =
      '<div class="wrap"><main id="main"><article class="post">' +
      '<header><h1 class="preview-title"></h1></header><div class="body"></div>' +
      "</article></main></div>";
    return "<!doctype html>" + doc.documentElement.outerHTML;
  }

  function setUpPreview(editor) {
    const frame = editor.querySelector(".editor-preview-frame");
    const sink = editor.querySelector(".markdownx-preview");
    const title = document.getElementById("id_title");
    let ready = false;

    function draw() {
      if (!ready) return;
      const doc = frame.contentDocument;
      // What markdownx received from /markdownx/markdownify/: rendered and cleaned on the
      // server by the function that renders the post page.
      doc.querySelector(".body").innerHTML = sink.innerHTML;
      doc.querySelector(".preview-title").textContent = title ? title.value : "";
      editor.dataset.previewed = String(Number(editor.dataset.previewed || 0) + 1);
    }

    frame.addEventListener("load", function () {
      ready = true;
      draw();
    });
    frame.srcdoc = previewDocument(editor.dataset.siteCss);
    editor.querySelector(".markdownx").addEventListener("markdownx.update", draw);
    if (title) title.addEventListener("input", draw);
    followFormat(editor);
  }

  /* An imported post's body is HTML: the preview asks for it in the post's format, and again
     when the writer changes the format (markdownx reads the URL on every request). */
  function followFormat(editor) {
    const choice = document.getElementById("id_body_format");
    const textarea = editor.querySelector("textarea");
    if (!choice || !textarea) return;
    const base = textarea.getAttribute("data-markdownx-urls-path").split("?")[0];
    function update() {
      textarea.setAttribute(
        "data-markdownx-urls-path",
        base + "?format=" + encodeURIComponent(choice.value)
      );
    }
    choice.addEventListener("change", function () {
      update();
      textarea.dispatchEvent(new Event("input", { bubbles: true })); // preview again
    });
    update();
  }

  /* -- Write | Preview tabs (shown where the two do not fit side by side). -------------- */

  function setUpTabs(editor) {
    const tabs = Array.from(editor.querySelectorAll(".editor-tab"));
    function show(view, focus) {
      editor.dataset.view = view;
      tabs.forEach(function (tab) {
        const on = tab.dataset.view === view;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) tab.focus();
      });
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () {
        show(tab.dataset.view, false);
      });
      tab.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        event.preventDefault();
        show(tabs[(i + 1) % tabs.length].dataset.view, true);
      });
    });
  }

  /* -- Insert image: pick (or take) a picture, upload it, describe it, insert it. ------- */

  function escapeAlt(text) {
    return text.replace(/\s+/g, " ").trim().replace(/([\\\[\]])/g, "\\$1");
  }

  function setUpImages(editor) {
    const textarea = editor.querySelector("textarea");
    const button = editor.querySelector(".editor-insert-image");
    const input = editor.querySelector(".editor-file");
    const dialog = editor.querySelector(".editor-dialog");
    const alt = dialog.querySelector(".editor-alt");
    const error = dialog.querySelector(".editor-alt-error");
    const thumb = dialog.querySelector(".editor-dialog-thumb");
    const uploadState = dialog.querySelector(".editor-dialog-upload");
    const insert = dialog.querySelector(".editor-dialog-insert");
    const status = editor.querySelector(".editor-status");
    let cursor = null;
    let upload = null;

    function fail(message) {
      error.textContent = message;
      error.hidden = false;
    }

    button.addEventListener("click", function () {
      cursor = [textarea.selectionStart, textarea.selectionEnd];
      input.value = "";
      input.click();
    });

    input.addEventListener("change", function () {
      const file = input.files[0];
      if (!file) return;
      alt.value = "";
      error.hidden = true;
      thumb.hidden = true;
      const reader = new FileReader();
      reader.onload = function () {
        thumb.src = reader.result;
        thumb.hidden = false;
      };
      reader.readAsDataURL(file);
      uploadState.textContent = "Uploading " + file.name + "…";
      upload = send(file).then(
        function (url) {
          uploadState.textContent = "Uploaded. Now say what it shows.";
          return url;
        },
        function (message) {
          uploadState.textContent = "";
          fail(message);
          throw new Error(message);
        }
      );
      upload.catch(function () {});
      dialog.showModal();
      alt.focus();
    });

    function send(file) {
      const data = new FormData();
      data.append("image", file);
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (token) data.append("csrfmiddlewaretoken", token.value);
      return fetch(editor.dataset.uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      }).then(
        function (response) {
          return response.json().then(
            function (answer) {
              if (response.ok && answer.url) return answer.url;
              throw (answer.image || ["The picture could not be uploaded."]).join(" ");
            },
            function () {
              throw "The picture could not be uploaded (the server answered " + response.status + ").";
            }
          );
        },
        function () {
          throw "The picture could not be uploaded: no connection to the server.";
        }
      );
    }

    function place(url) {
      const code = "![" + escapeAlt(alt.value) + "](" + url + ")";
      const [start, end] = cursor || [textarea.value.length, textarea.value.length];
      const before = textarea.value.slice(0, start);
      const after = textarea.value.slice(end);
      // a picture is a paragraph of its own
      const lead = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
      const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
      textarea.value = before + lead + code + tail + after;
      const at = (before + lead + code + tail).length;
      textarea.focus();
      textarea.setSelectionRange(at, at);
      textarea.dispatchEvent(new Event("input", { bubbles: true })); // markdownx previews it
      status.textContent = "Picture inserted.";
    }

    insert.addEventListener("click", function () {
      if (!alt.value.trim()) {
        fail("Describe the picture first: the alt text is required.");
        alt.focus();
        return;
      }
      error.hidden = true;
      insert.disabled = true;
      upload.then(
        function (url) {
          insert.disabled = false;
          dialog.close();
          place(url);
        },
        function () {
          insert.disabled = false;
        }
      );
    });
    alt.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // not the post form's submit
        insert.click();
      }
    });
    dialog.querySelector(".editor-dialog-cancel").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (document.activeElement === document.body) button.focus();
    });
  }

  /* -- Labels: suggestions from the existing labels, for the label being typed. --------- */

  function splitLabels(value) {
    // taggit's rule: with a comma, commas separate; names may be "quoted"
    const parts = [];
    let current = "", quoted = false;
    for (const ch of value) {
      if (ch === '"') quoted = !quoted;
      if (ch === "," && !quoted) {
        parts.push(current);
        current = "";
      } else current += ch;
    }
    parts.push(current);
    return parts;
  }

  function unquote(name) {
    return name.trim().replace(/^"|"$/g, "").trim();
  }

  function formatLabel(name) {
    return /[,\s"]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
  }

  function setUpLabels(field) {
    const input = field.querySelector("input");
    const list = field.querySelector(".labels-suggestions");
    const known = JSON.parse(document.getElementById(field.dataset.labels).textContent);
    let active = -1;

    function options() {
      return Array.from(list.querySelectorAll("[role=option]"));
    }
    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const all = options();
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", String(i === active));
      });
      input.setAttribute("aria-activedescendant", all[active].id);
    }
    function choose(name) {
      const parts = splitLabels(input.value);
      parts[parts.length - 1] = formatLabel(name);
      input.value = parts.map(function (p) { return p.trim(); }).join(", ") + ", ";
      close();
      input.focus();
    }
    function suggest() {
      const parts = splitLabels(input.value);
      const typed = unquote(parts[parts.length - 1]).toLowerCase();
      const taken = new Set(parts.slice(0, -1).map(function (p) { return unquote(p).toLowerCase(); }));
      if (!typed) return close();
      const fits = known.filter(function (name) {
        const lower = name.toLowerCase();
        return lower.includes(typed) && !taken.has(lower) && lower !== typed;
      });
      fits.sort(function (a, b) {
        return (b.toLowerCase().startsWith(typed) - a.toLowerCase().startsWith(typed)) || a.localeCompare(b);
      });
      list.replaceChildren();
      fits.slice(0, 8).forEach(function (name, i) {
        const option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(name);
        });
        list.appendChild(option);
      });
      if (!fits.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    input.addEventListener("input", suggest);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  }

  /* -- Publish box: the time matters only for Schedule. --------------------------------- */

  function setUpPublishBox() {
    const when = document.getElementById("id_publish_at");
    const choices = document.querySelectorAll("input[name=publish]");
    if (!when || !choices.length) return;
    const row = when.closest(".form-row") || when.parentElement;
    function update() {
      const chosen = document.querySelector("input[name=publish]:checked");
      const scheduling = chosen && chosen.value === "schedule";
      row.hidden = !scheduling && !row.querySelector(".errorlist");
      when.required = Boolean(scheduling);
    }
    choices.forEach(function (choice) {
      choice.addEventListener("change", function () {
        update();
        if (choice.checked && choice.value === "schedule") when.focus();
      });
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-editor]").forEach(function (editor) {
      setUpPreview(editor);
      setUpTabs(editor);
      setUpImages(editor);
    });
    document.querySelectorAll("[data-labels]").forEach(setUpLabels);
    setUpPublishBox();
  });
})();
