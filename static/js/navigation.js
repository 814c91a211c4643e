// The main menu folds behind a button on a narrow screen (see base.html). A plain toggle of
// Bootstrap's "show" class, so that no inline script is needed under the CSP.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-nav-toggle]")) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) continue;
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
  }
});

// A table wider than the screen scrolls inside itself (referat.css); say so above it, where
// a reader sees it, and only while it is too wide (the hint is for the eyes: a screen reader
// reads the table cell by cell anyway).
(() => {
  const HINT = "Tabellen er bredere end skærmen: rul vandret for at se resten →";
  const mark = () => {
    for (const table of document.querySelectorAll("main table")) {
      const wide = table.scrollWidth > table.clientWidth + 1;
      const hint = table.previousElementSibling;
      const has = hint && hint.classList.contains("scroll-hint");
      if (wide && !has) {
        const p = document.createElement("p");
        p.className = "scroll-hint";
        p.setAttribute("aria-hidden", "true");
        p.textContent = HINT;
        table.before(p);
      } else if (!wide && has) {
        hint.remove();
      }
    }
  };
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
