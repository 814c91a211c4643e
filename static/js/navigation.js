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
