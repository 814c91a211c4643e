/*
 * The protocol's pages: the characters left of a protokoltilførsel, counted down as it is
 * typed, and the protocol region of an item swapped in by htmx (refusals included).
 *
 * Without this script the pages work all the same: the server refuses a text that is too long
 * with its length, and keeps the text in the box.
 */
(function () {
  "use strict";

  if (window.htmx) {
    // Refusals (400, 403, 409, 423) come back as the region with the message beside the form.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|401|403|409|423)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
  }

  // "1000" → "1.000", as Danish writes numbers.
  function danish(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // The server counts characters (code points), with a line break as one.
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").trim()).length;
  }

  function sayLeft(box) {
    var max = parseInt(box.getAttribute("data-max-length"), 10);
    var counter = document.getElementById(box.getAttribute("data-counter"));
    if (!counter || isNaN(max)) return "";
    var left = max - length(box.value);
    var text = left >= 0
      ? "Du har " + danish(left) + " tegn tilbage."
      : danish(-left) + " tegn for meget – forkort teksten.";
    counter.textContent = text;
    counter.classList.toggle("text-danger", left < 0);
    counter.classList.toggle("fw-semibold", left < 0);
    box.classList.toggle("is-invalid", left < 0);
    return text;
  }

  // Screen readers hear the count when typing pauses, not at every key.
  var timers = {};
  function announceLater(box, text) {
    var status = document.getElementById(box.getAttribute("data-counter") + "-status");
    if (!status) return;
    clearTimeout(timers[box.id]);
    timers[box.id] = setTimeout(function () { status.textContent = text; }, 1200);
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("textarea[data-max-length]"), sayLeft);
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.matches && box.matches("textarea[data-max-length]")) {
      announceLater(box, sayLeft(box));
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }

  // After the protocol region is swapped in, the keyboard goes to its message, so the button
  // that was pressed (now replaced) does not leave the focus at the top of the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var elt = event.detail.elt;
    // The form that was sent belonged to the old region (the live tally swaps only itself).
    if (!elt || elt.id === "vote-preview" || !elt.closest || !elt.closest("#protokol-region")) return;
    var region = document.getElementById("protokol-region");
    if (!region) return;
    init(region);
    var message = region.querySelector(".alert");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  });
})();
