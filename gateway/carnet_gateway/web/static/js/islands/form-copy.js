// <form-copy data-for="id" data-done="Copied">: a "Copy" button for a read-only text box of the forms' embed page
// (F-2: the snippet, the post address, the webhook secret). Without JavaScript the button stays hidden (it could do
// nothing) and the text is selected and copied by hand. The clipboard API needs a secure context; elsewhere the text
// is selected and copied with the older execCommand. The result is said in the element's status region.
(() => {
  "use strict";
  if (customElements.get("form-copy")) return;

  class FormCopy extends HTMLElement {
    connectedCallback() {
      if (this.ready) return;
      this.ready = true;
      const button = this.querySelector("button");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", () => this.copy());
    }

    async copy() {
      const source = document.getElementById(this.dataset.for);
      const status = this.querySelector("[role=status]");
      if (!source) return;
      let done = false;
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(source.value);
          done = true;
        }
      } catch (error) {
        done = false;
      }
      if (!done) {
        source.focus();
        source.select();
        try { done = document.execCommand("copy"); } catch (error) { done = false; }
      }
      this.dataset.copied = done ? "true" : "false";
      if (status) status.textContent = done ? (this.dataset.done || "") : "";
    }
  }

  customElements.define("form-copy", FormCopy);
})();
