/*
 * The secretary's pages: autosave of the item editor, drafts kept in the browser, conflicts,
 * lapsed sessions and network errors; case suggestions; reordering the agenda by drag and drop.
 *
 * Loaded with `defer` before the editor's module scripts, so a draft kept in the browser is put
 * back into the form before the rich-text editors read their textareas.
 */
(function () {
  "use strict";

  // The editor asks window.gettext for its dialog texts; answer in Danish.
  var DA = {
    "Add caption": "Tilføj billedtekst", "Alternative Text": "Alternativ tekst",
    "Bullets": "Punkttegn", "Cancel": "Annullér", "Caption": "Billedtekst",
    "Columns": "Kolonner", "Decimal numbers": "Tal", "Edit HTML": "Rediger HTML",
    "Edit Link": "Rediger link", "Include header row": "Med overskriftsrække",
    "Insert Table": "Indsæt tabel", "Insert": "Indsæt", "List properties": "Listeindstillinger",
    "List type": "Listetype", "Lowercase Roman numerals": "Små romertal",
    "Lowercase letters": "Små bogstaver", "Open in new window": "Åbn i nyt vindue",
    "Rows": "Rækker", "Start at": "Start ved", "Table Properties": "Tabelindstillinger",
    "Title": "Titel", "URL": "Adresse (URL)", "Update": "Opdatér",
    "Uppercase Roman numerals": "Store romertal", "Uppercase letters": "Store bogstaver",
    "Toggle fullscreen": "Fuld skærm"
  };
  if (!window.gettext) {
    window.gettext = function (s) { return DA[s] || s; };
  }
  // The editor's toolbar titles are fixed English words; give them Danish names.
  var TOOLBAR_DA = {
    "bold": "Fed", "italic": "Kursiv", "underline": "Understreget",
    "unordered list": "Punktopstilling", "ordered list": "Nummereret liste",
    "heading 2": "Overskrift 2", "heading 3": "Overskrift 3", "heading 4": "Overskrift 4",
    "paragraph": "Brødtekst", "blockquote": "Citat", "insert link": "Indsæt link",
    "remove link": "Fjern link", "undo": "Fortryd", "redo": "Gentag",
    "Insert table": "Tabel", "Add column": "Tilføj kolonne", "Delete column": "Slet kolonne",
    "Add row": "Tilføj række", "Delete row": "Slet række", "Merge cells": "Flet celler",
    "Split cell": "Del celle", "Toggle header cell": "Skift overskriftscelle",
    "Delete table": "Slet tabel"
  };

  // Give an editor's toolbar Danish names; the toolbar is built (and rebuilt) after the
  // editor reports ready, so this runs again whenever its buttons change.
  function translateToolbar(wrapper) {
    var menubar = wrapper.querySelector(".prose-menubar");
    if (menubar && !menubar.hasAttribute("role")) {
      menubar.setAttribute("role", "toolbar");
      menubar.setAttribute("aria-label", "Formatering");
    }
    Array.prototype.forEach.call(wrapper.querySelectorAll("button"), function (b) {
      var danish = TOOLBAR_DA[b.getAttribute("title")];
      if (danish) {
        b.setAttribute("title", danish);
        b.setAttribute("aria-label", danish);
      }
    });
    // The table dialog's Yes/No choice is not passed through gettext, and its options carry
    // no value: keep the English value the editor reads, and show the Danish word.
    Array.prototype.forEach.call(wrapper.querySelectorAll("dialog option"), function (option) {
      var word = { "Yes": "Ja", "No": "Nej" }[option.textContent];
      if (word && !option.hasAttribute("value")) {
        option.setAttribute("value", option.textContent);
        option.textContent = word;
      }
    });
    Array.prototype.forEach.call(wrapper.querySelectorAll(".prose-menubar__option *"), function (el) {
      // The options say "Heading 2" and "Paragraph" where the buttons' titles are lower case.
      var text = el.textContent.trim();
      var danish = TOOLBAR_DA[text] || TOOLBAR_DA[text.toLowerCase()];
      if (el.children.length === 0 && danish) {
        el.textContent = danish;
      }
    });
  }

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  if (window.htmx) {
    // Field errors, a lapsed session, refusals, conflicts and locks come back as partials to show.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|401|403|409|423)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
  }

  // --- Case suggestions: "Brug 17/22360" fills the case number field it belongs to. -----------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".use-case");
    if (!button) return;
    var box = button.closest(".case-suggestions");
    var scope = box && box.previousElementSibling ? box.parentElement : document;
    var input = scope.querySelector(".case-number-input") || document.querySelector(".case-number-input");
    if (!input) return;
    input.value = button.getAttribute("data-case-number");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });

  // --- The agenda: drag and drop (the buttons do the same by keyboard). ----------------------
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest(".agenda-row");
    if (!row) return;
    dragged = row;
    row.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.getAttribute("data-item-id"));
  });
  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var row = event.target.closest && event.target.closest(".agenda-row");
    if (!row || row === dragged || row.parentElement !== dragged.parentElement) return;
    event.preventDefault();
    var rect = row.getBoundingClientRect();
    var after = event.clientY > rect.top + rect.height / 2;
    row.parentElement.insertBefore(dragged, after ? row.nextSibling : row);
  });
  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });
  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("dragging");
    dragged = null;
    var order = Array.prototype.map.call(list.querySelectorAll(".agenda-row"), function (row) {
      return row.getAttribute("data-item-id");
    });
    htmx.ajax("POST", list.getAttribute("data-reorder-url"), {
      target: "#agenda-region", swap: "outerHTML", values: { order: order.join(",") }
    });
  });

  // --- The item editor ---------------------------------------------------------------------------
  var form = document.getElementById("item-form");
  if (!form) return;

  var statusEl = document.getElementById("save-status");
  var resultEl = document.getElementById("autosave-result");
  var draftKey = form.getAttribute("data-draft-key");
  var editors = {};
  var inConflict = false;
  var sessionLapsed = false;
  var retryDelay = 0;
  var retryTimer = null;
  var sentSnapshot = null;
  var dirty = false;

  // Save now, whatever htmx has or has not wired up yet; the form's hx-sync still applies.
  function saveNow() {
    htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form, target: "#autosave-result", swap: "innerHTML"
    });
  }

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.setAttribute("data-state", state);
  }

  function versionInput() {
    return form.querySelector("input[name=version]");
  }

  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "version") return;
      if (el.type === "file" || el.type === "submit" || el.type === "button") return;
      fields[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return fields;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function readDraft() {
    try {
      return JSON.parse(window.localStorage.getItem(draftKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeDraft() {
    try {
      window.localStorage.setItem(draftKey, JSON.stringify({
        version: parseInt(versionInput().value, 10),
        fields: collect(),
        at: new Date().toISOString()
      }));
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }

  function dropDraft() {
    try { window.localStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
  }

  function setField(name, value) {
    var el = form.elements[name];
    if (!el) return;
    if (el.type === "checkbox") {
      el.checked = !!value;
    } else {
      el.value = value;
    }
    if (editors[name]) {
      editors[name].commands.setContent(value || "", false);
    }
  }

  // Put back what was typed but never reached the server (a lapsed session, a lost network,
  // a closed tab). It is saved on top of the version it was typed on, so if someone saved in
  // between, the conflict view shows both texts.
  var draft = readDraft();
  var loaded = collect();
  var restored = false;
  if (draft && draft.fields) {
    if (same(draft.fields, loaded) && String(draft.version) === versionInput().value) {
      dropDraft();
    } else if (!same(draft.fields, loaded)) {
      Object.keys(draft.fields).forEach(function (name) { setField(name, draft.fields[name]); });
      versionInput().value = String(draft.version);
      restored = true;
      dirty = true;
      setStatus("Gendannet fra browseren – gemmer …", "restoring");
    } else {
      dropDraft();
    }
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2, 30);
    setStatus("Ingen forbindelse til serveren – prøver igen om " + retryDelay +
      " s. Din tekst er gemt i browseren.", "offline");
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      saveNow();
    }, retryDelay * 1000);
  }

  form.addEventListener("input", function () {
    dirty = true;
    writeDraft();
    if (!inConflict && !sessionLapsed && statusEl.getAttribute("data-state") !== "offline") {
      setStatus("Ændringer ikke gemt endnu …", "pending");
    }
  });
  form.addEventListener("change", function () {
    dirty = true;
    writeDraft();
  });

  form.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt !== form) return;
    if (inConflict || sessionLapsed) {
      event.preventDefault();
      return;
    }
    sentSnapshot = collect();
    writeDraft();
    setStatus("Gemmer …", "saving");
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (!xhr || status === 0 || status >= 500) {
      scheduleRetry();
      return;
    }
    retryDelay = 0;
    if (status === 200) {
      if (same(collect(), sentSnapshot)) {
        dropDraft();
        dirty = false;
      } else {
        writeDraft(); // more was typed meanwhile; the next save is already queued
      }
      resultEl.innerHTML = "";
      statusEl.setAttribute("data-state", "saved");
    } else if (status === 409) {
      inConflict = true;
      setStatus("Ikke gemt – punktet er ændret af en anden. Se begge versioner nedenfor.", "conflict");
      resultEl.scrollIntoView({ block: "nearest" });
    } else if (status === 401) {
      sessionLapsed = true;
      setStatus("Ikke gemt – din session er udløbet. Teksten er gemt i browseren.", "expired");
    } else if (status === 423) {
      setStatus("Ikke gemt – mødet er låst.", "locked");
    } else if (status === 403) {
      setStatus("Ikke gemt – du har ikke adgang til at redigere punktet.", "forbidden");
    } else {
      setStatus("Ikke gemt – ret fejlene. Teksten er gemt i browseren.", "invalid");
    }
  });

  window.addEventListener("online", function () {
    if (dirty && !inConflict && !sessionLapsed) saveNow();
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !sessionLapsed) {
      writeDraft();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The conflict view: keep mine (saved on top of the version now stored), take theirs for a
  // field, or discard my draft altogether.
  resultEl.addEventListener("click", function (event) {
    var keep = event.target.closest(".keep-mine");
    if (keep) {
      versionInput().value = keep.getAttribute("data-version");
      inConflict = false;
      writeDraft();
      saveNow();
      return;
    }
    var theirs = event.target.closest(".use-theirs");
    if (theirs) {
      var cell = theirs.closest("td");
      var tpl = cell.querySelector("template.theirs-value");
      setField(theirs.getAttribute("data-field"), tpl ? tpl.content.textContent : "");
      writeDraft();
      theirs.disabled = true;
      theirs.textContent = "Indsat i feltet";
      return;
    }
    if (event.target.closest(".take-theirs")) {
      dropDraft();
      dirty = false;
      window.location.reload();
    }
  });

  // Each rich-text editor: a name for assistive technology, Danish toolbar titles, and a
  // label that moves the focus into it.
  document.addEventListener("prose-editor:ready", function (event) {
    var textarea = event.detail.textarea;
    var editor = event.detail.editor;
    editors[textarea.name] = editor;
    var dom = editor.view.dom;
    dom.setAttribute("role", "textbox");
    dom.setAttribute("aria-multiline", "true");
    dom.setAttribute("aria-labelledby", textarea.id + "-label");
    if (document.getElementById(textarea.id + "_helptext")) {
      dom.setAttribute("aria-describedby", textarea.id + "_helptext");
    }
    var wrapper = textarea.closest(".prose-editor");
    if (wrapper) {
      translateToolbar(wrapper);
      new MutationObserver(function () { translateToolbar(wrapper); })
        .observe(wrapper, { childList: true, subtree: true });
    }
    var label = document.getElementById(textarea.id + "-label");
    if (label) {
      label.removeAttribute("for");
      label.addEventListener("click", function () { editor.commands.focus(); });
    }
    dom.addEventListener("paste", function (pasteEvent) {
      offerTable(pasteEvent, editor, wrapper || dom.parentNode);
    }, true);
  });

  // --- Cells pasted from a spreadsheet -------------------------------------------------------
  // Excel and LibreOffice put cells on the clipboard as tab-separated lines (and as HTML that
  // the editor would read as loose lines of numbers). Such a paste is held back, and the
  // secretary chooses: a table, plain lines, or the item's budget tables for amounts.

  function spreadsheetRows(text) {
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    if (lines.length < 2) return null;
    var rows = lines.map(function (line) { return line.split("\t"); });
    var width = Math.max.apply(null, rows.map(function (r) { return r.length; }));
    var tabbed = rows.filter(function (r) { return r.length > 1; }).length;
    if (width < 2 || tabbed < 2) return null;
    return rows.map(function (r) {
      while (r.length < width) r.push("");
      return r.map(function (cell) { return cell.replace(/^"(.*)"$/, "$1").trim(); });
    });
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function tableHtml(rows) {
    var head = rows[0].map(function (c) { return "<th><p>" + escapeHtml(c) + "</p></th>"; });
    var body = rows.slice(1).map(function (r) {
      return "<tr>" + r.map(function (c) { return "<td><p>" + escapeHtml(c) + "</p></td>"; })
        .join("") + "</tr>";
    });
    return "<table><tbody><tr>" + head.join("") + "</tr>" + body.join("") + "</tbody></table>";
  }

  function linesHtml(rows) {
    return rows.map(function (r) {
      return "<p>" + escapeHtml(r.filter(function (c) { return c; }).join(" ")) + "</p>";
    }).join("");
  }

  function offerTable(pasteEvent, editor, after) {
    var data = pasteEvent.clipboardData;
    var rows = data && spreadsheetRows(data.getData("text/plain") || "");
    if (!rows) return;
    pasteEvent.preventDefault();
    pasteEvent.stopPropagation();
    var old = document.getElementById("paste-offer");
    if (old) old.remove();
    var bar = document.createElement("div");
    bar.id = "paste-offer";
    bar.className = "alert alert-info d-flex flex-wrap align-items-center gap-2 my-2 paste-offer";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-labelledby", "paste-offer-text");
    var text = document.createElement("span");
    text.id = "paste-offer-text";
    text.textContent = "Det indsatte ligner celler fra et regneark (" + rows.length +
      " rækker, " + rows[0].length + " kolonner). Hvordan skal det indsættes?";
    bar.appendChild(text);
    function choice(label, html) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-primary";
      button.textContent = label;
      button.addEventListener("click", function () {
        bar.remove();
        editor.chain().focus().insertContent(html).run();
      });
      return button;
    }
    var asTable = choice("Som tabel", tableHtml(rows));
    bar.appendChild(asTable);
    var asText = choice("Som tekst", linesHtml(rows));
    asText.className = "btn btn-sm btn-outline-secondary";
    bar.appendChild(asText);
    var budget = document.querySelector("[data-budget-url]");
    if (budget) {
      var link = document.createElement("a");
      link.href = budget.getAttribute("data-budget-url");
      link.className = "btn btn-sm btn-outline-primary";
      link.textContent = "Beløb? Lav en budgettabel i stedet";
      link.title = "Budgettabeller regner og kontrollerer beløbene; sæt cellerne ind dér";
      bar.appendChild(link);
    }
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-sm btn-link";
    cancel.textContent = "Fortryd";
    cancel.addEventListener("click", function () { bar.remove(); editor.commands.focus(); });
    bar.appendChild(cancel);
    after.parentNode.insertBefore(bar, after.nextSibling);
    asTable.focus();
  }

  onReady(function () {
    if (restored) {
      // After htmx has wired the form: save what was restored.
      window.setTimeout(saveNow, 0);
    }
  });
})();
