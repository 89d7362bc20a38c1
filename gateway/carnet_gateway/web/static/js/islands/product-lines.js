// <product-lines>: the product lines of an opportunity's form (O-5). Without JavaScript the form's "Add a line" and
// "Remove line n" submit buttons ask the server for the form again with one row more or less; with it, this element
// adds and removes rows in place (renumbering the fields, lines.<n>.<field>) and shows each line's total and the
// total as the user types: quantity × unit price + shipping − discount, rounded half up to the cent as the server
// stores it. Amounts are exact decimals: parsed from the typed text into integers of millionths (BigInt), never
// floats (3 × 19.99 is 59.97, not 59.970000000000006). The server's answer stays the truth once saved.
(() => {
  "use strict";
  const SCALE = 6; // quantity: 4 places × price: 2 places
  const LOCALES = { fr: "fr-CA", en: "en-CA" };

  // "19,99" or "19.99" -> BigInt millionths; null when it is no decimal number (or has too many places).
  function parse(text, places) {
    let value = (text || "").replace(/[\s\u00a0\u202f]/g, "");
    if (value.includes(",") && !value.includes(".")) value = value.replace(",", ".");
    const match = /^\+?(\d*)(?:\.(\d*))?$/.exec(value);
    if (!match || (match[1] === "" && !match[2])) return null;
    const fraction = match[2] || "";
    if (fraction.length > places) return null;
    return BigInt((match[1] || "0") + fraction.padEnd(SCALE, "0"));
  }

  // BigInt millionths -> "59.97" (half up to the cent, as O-5 stores a line's total).
  function cents(micro) {
    const negative = micro < 0n;
    const magnitude = negative ? -micro : micro;
    const rounded = (magnitude + 5000n) / 10000n;
    const text = rounded.toString().padStart(3, "0");
    return (negative ? "-" : "") + text.slice(0, -2) + "." + text.slice(-2);
  }

  class ProductLines extends HTMLElement {
    connectedCallback() {
      if (this.ready) return;
      this.ready = true;
      this.format = new Intl.NumberFormat(LOCALES[this.dataset.lang] || "fr-CA", { style: "currency", currency: "CAD" });
      this.addEventListener("click", (event) => {
        const add = event.target.closest("[data-add-line]");
        const remove = event.target.closest("[data-remove-line]");
        if (add) { event.preventDefault(); this.add(); }
        else if (remove) { event.preventDefault(); this.remove(remove.closest("[data-line]")); }
      });
      this.addEventListener("input", () => this.update());
      this.update();
    }

    rows() { return Array.from(this.querySelectorAll("[data-lines] > [data-line]")); }

    add() {
      const template = this.querySelector("template[data-line-template]");
      const row = template.content.firstElementChild.cloneNode(true);
      this.querySelector("[data-lines]").append(row);
      this.renumber();
      this.update();
      const first = row.querySelector("input, select, textarea");
      if (first) first.focus();
    }

    remove(row) {
      if (!row) return;
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      this.renumber();
      this.update();
      const focus = next?.querySelector("input") || this.querySelector("[data-add-line]");
      if (focus) focus.focus();
    }

    // lines.<n>.<field> names, f-lines-<n>-<field> ids, labels and descriptions follow each row's position.
    renumber() {
      this.rows().forEach((row, index) => {
        const rename = (value) => value
          .replace(/lines\.(\d+|__i__)\./g, `lines.${index}.`)
          .replace(/f-lines-(\d+|__i__)-/g, `f-lines-${index}-`);
        row.querySelectorAll("[name], [id], [for], [aria-describedby], [aria-labelledby]").forEach((element) => {
          for (const attribute of ["name", "id", "for", "aria-describedby", "aria-labelledby"]) {
            const value = element.getAttribute(attribute);
            if (value) element.setAttribute(attribute, rename(value));
          }
        });
        const legend = row.querySelector("[data-line-legend]");
        if (legend) legend.textContent = this.dataset.legend.replace("{n}", index + 1);
        const remove = row.querySelector("[data-remove-line]");
        if (remove) {
          remove.value = String(index);
          remove.textContent = this.dataset.remove.replace("{n}", index + 1);
        }
      });
    }

    update() {
      let total = 0n;
      let complete = true;
      const rows = this.rows();
      for (const row of rows) {
        const value = (field) => row.querySelector(`[name$=".${field}"]`)?.value || "";
        const quantity = parse(value("quantity"), 4);
        const price = parse(value("unit_price"), 2);
        const shipping = value("shipping").trim() === "" ? 0n : parse(value("shipping"), 2);
        const discount = value("discount").trim() === "" ? 0n : parse(value("discount"), 2);
        const output = row.querySelector("[data-line-total]");
        if (quantity === null || price === null || shipping === null || discount === null) {
          complete = false;
          if (output) output.textContent = "—";
          continue;
        }
        // quantity and price are both in millionths: their product is in 10^-12, back to millionths.
        const line = (quantity * price) / 1000000n + shipping - discount;
        const shown = cents(line);
        total += BigInt(shown.replace(".", "")) * 10000n;
        if (output) output.textContent = this.format.format(shown);
      }
      const sum = this.querySelector("[data-form-total]");
      if (sum) sum.textContent = complete && rows.length ? this.format.format(cents(total)) : "—";
    }
  }

  if (!customElements.get("product-lines")) customElements.define("product-lines", ProductLines);
})();
