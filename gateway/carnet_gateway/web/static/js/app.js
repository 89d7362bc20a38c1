// Behaviour the pages need besides htmx (no inline script or handler: the Content-Security-Policy forbids them).
(() => {
  "use strict";
  // The token of the current session: on <main> (swapped with each page), as the <head> stays after a swap.
  const csrf = () => document.querySelector("main[data-csrf]")?.dataset.csrf || "";

  // Every htmx request carries the CSRF token (forms also carry it as a field; this covers hx-get/hx-post
  // on other elements).
  document.addEventListener("htmx:config:request", (event) => {
    event.detail.ctx.request.headers["X-CSRF-Token"] = csrf();
  });

  // After a boosted navigation or a form answered with errors, move the focus where a keyboard or screen-reader
  // user expects it: the first invalid field, else the page's heading. The title follows the new page.
  document.addEventListener("htmx:after:swap", (event) => {
    const target = event.detail?.ctx?.target;
    if (target !== document.body) return;
    const invalid = document.querySelector('[aria-invalid="true"]');
    const heading = document.querySelector("main h1");
    const focus = invalid || heading;
    if (focus) {
      if (!invalid) focus.setAttribute("tabindex", "-1");
      focus.focus({ preventScroll: false });
    }
  });

  // <form data-confirm="…">: ask before a destructive post (delete, restore over a newer record).
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <select data-autosubmit>: submit its form when it changes (sort, per-page); the form has a button for
  // browsers without JavaScript.
  document.addEventListener("change", (event) => {
    const select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // <input data-check-all="name">: check or clear every checkbox of that name (bulk selection).
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-check-all]");
    if (!all) return;
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`)
      .forEach((box) => { box.checked = all.checked; });
  });
})();
