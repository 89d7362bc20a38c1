// <filter-builder>: edits the C-12 criteria of a contacts or accounts search as nested AND/OR groups of criteria
// (field, operator, value) and keeps their JSON in a hidden input named "criteria", which the search form sends.
// Without JavaScript the element's content is a textarea holding the same JSON (the fallback).
// Data comes in attributes (the CSP forbids inline script): data-fields (field, label, kind, choices),
// data-cmps (operators by kind, with their labels), data-texts (the page's labels). Every control has a label;
// everything is plain buttons and selects, so the keyboard does it all; focus follows additions and removals.
(() => {
  "use strict";
  if (customElements.get("filter-builder")) return;   // the script runs again when htmx swaps a page holding it

  const NO_VALUE = new Set(["empty", "not_empty"]);
  let serial = 0;

  class FilterBuilder extends HTMLElement {
    connectedCallback() {
      if (this.tree) return;
      this.fields = JSON.parse(this.dataset.fields || "[]");
      this.cmps = JSON.parse(this.dataset.cmps || "{}");
      this.texts = JSON.parse(this.dataset.texts || "{}");
      this.byField = new Map(this.fields.map((f) => [f.field, f]));
      const textarea = this.querySelector("textarea[name=criteria]");
      this.tree = this.parse(textarea ? textarea.value : "");
      if (this.tree === null) return;   // JSON the builder cannot show: the textarea stays, as without script
      const fallback = textarea.closest(".fallback") || textarea;
      fallback.hidden = true;
      textarea.removeAttribute("name");
      this.output = document.createElement("input");
      this.output.type = "hidden";
      this.output.name = "criteria";
      this.root = document.createElement("div");
      this.root.className = "fb-root";
      this.append(this.output, this.root);
      this.render();
    }

    parse(text) {
      if (!text.trim()) return { op: "and", items: [] };
      try {
        const tree = JSON.parse(text);
        return this.valid(tree) ? tree : null;
      } catch (error) {
        return null;
      }
    }

    valid(node) {
      if (!node || typeof node !== "object") return false;
      if ("items" in node) return (node.op === "and" || node.op === "or") && Array.isArray(node.items)
        && node.items.every((item) => this.valid(item));
      return typeof node.field === "string" && typeof node.cmp === "string";
    }

    // The JSON the API takes: groups without criteria and criteria without a field are left out.
    serialise(node) {
      if ("items" in node) {
        const items = node.items.map((item) => this.serialise(item)).filter(Boolean);
        return items.length ? { op: node.op, items } : null;
      }
      if (!node.field || !node.cmp) return null;
      const leaf = { field: node.field, cmp: node.cmp };
      if (!NO_VALUE.has(node.cmp)) leaf.value = node.value === undefined ? "" : node.value;
      return leaf;
    }

    sync() {
      const tree = this.serialise(this.tree);
      this.output.value = tree ? JSON.stringify(tree) : "";
    }

    // Focus is kept by position in the tree ("r.1.0:field"), since a change re-renders the whole builder.
    render(focus) {
      this.root.replaceChildren(this.group(this.tree, null, "r", 0));
      this.sync();
      if (focus) this.root.querySelector(`[data-fb="${focus}"]`)?.focus();
    }

    id(prefix) {
      serial += 1;
      return `fb-${prefix}-${serial}`;
    }

    control(tag, label, key, attributes = {}) {
      const wrap = document.createElement("div");
      wrap.className = "field";
      const id = this.id(tag);
      const text = document.createElement("label");
      text.htmlFor = id;
      text.textContent = label;
      const element = document.createElement(tag);
      element.id = id;
      element.dataset.fb = key;
      Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
      wrap.append(text, element);
      return { wrap, element };
    }

    options(select, pairs, selected) {
      pairs.forEach(([value, label]) => {
        select.append(new Option(label, value, false, String(value) === String(selected)));
      });
    }

    button(label, key, onClick, extra = "") {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.fb = key;
      if (extra) button.className = extra;
      button.addEventListener("click", onClick);
      return button;
    }

    group(node, parentPath, path, depth) {
      const fieldset = document.createElement("fieldset");
      fieldset.className = "fb-group";
      const legend = document.createElement("legend");
      legend.textContent = depth ? `${this.texts.group} (${path.split(".").slice(1).map((n) => +n + 1).join(".")})`
        : this.texts.group;
      fieldset.append(legend);
      const op = this.control("select", this.texts.op, `${path}:op`);
      this.options(op.element, [["and", this.texts.and], ["or", this.texts.or]], node.op);
      op.element.addEventListener("change", () => { node.op = op.element.value; this.sync(); });
      fieldset.append(op.wrap);
      const list = document.createElement("ol");
      list.className = "fb-items";
      node.items.forEach((item, index) => {
        const entry = document.createElement("li");
        const at = `${path}.${index}`;
        entry.append("items" in item ? this.group(item, path, at, depth + 1) : this.leaf(item, node, path, at, index));
        list.append(entry);
      });
      fieldset.append(list);
      const actions = document.createElement("div");
      actions.className = "fb-actions";
      actions.append(this.button(this.texts.add, `${path}:add`, () => {
        node.items.push({ field: "", cmp: "", value: "" });
        this.render(`${path}.${node.items.length - 1}:field`);
      }));
      if (depth < 4) {
        actions.append(this.button(this.texts.addGroup, `${path}:addGroup`, () => {
          node.items.push({ op: node.op === "and" ? "or" : "and", items: [{ field: "", cmp: "", value: "" }] });
          this.render(`${path}.${node.items.length - 1}.0:field`);
        }));
      }
      if (parentPath) {
        actions.append(this.button(this.texts.removeGroup, `${path}:remove`, () => {
          const parent = this.at(parentPath);
          parent.items.splice(parent.items.indexOf(node), 1);
          this.render(`${parentPath}:add`);
        }, "link"));
      }
      fieldset.append(actions);
      return fieldset;
    }

    at(path) {
      return path.split(".").slice(1).reduce((node, index) => node.items[+index], this.tree);
    }

    // A criterion: its field select stays in place when it changes (the keyboard's type-ahead goes on working);
    // only the operator and value that follow it are rebuilt.
    leaf(node, parent, groupPath, path, index) {
      const box = document.createElement("div");
      box.className = "fb-leaf";
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", (this.texts.criterion || "{n}").replace("{n}", String(index + 1)));
      const field = this.control("select", this.texts.field, `${path}:field`);
      this.options(field.element, [["", this.texts.choose], ...this.fields.map((f) => [f.field, f.label])],
        node.field);
      const rest = document.createElement("div");
      rest.className = "fb-rest";
      const fill = () => rest.replaceChildren(...this.leafRest(node, parent, groupPath, path, fill));
      field.element.addEventListener("change", () => {
        node.field = field.element.value;
        const kind = this.byField.get(node.field)?.kind;
        const cmps = (this.cmps[kind] || []).map(([cmp]) => cmp);
        if (!cmps.includes(node.cmp)) node.cmp = cmps[0] || "";
        node.value = kind === "boolean" ? true : "";
        fill();
        this.sync();
      });
      fill();
      box.append(field.wrap, rest);
      return box;
    }

    leafRest(node, parent, groupPath, path, fill) {
      const parts = [];
      const spec = this.byField.get(node.field);
      if (spec) {
        const cmp = this.control("select", this.texts.cmp, `${path}:cmp`);
        this.options(cmp.element, this.cmps[spec.kind] || [], node.cmp);
        cmp.element.addEventListener("change", () => {
          const before = NO_VALUE.has(node.cmp);
          node.cmp = cmp.element.value;
          if (before !== NO_VALUE.has(node.cmp)) {
            fill();
            this.root.querySelector(`[data-fb="${path}:cmp"]`)?.focus();
          }
          this.sync();
        });
        parts.push(cmp.wrap);
        if (!NO_VALUE.has(node.cmp)) parts.push(this.valueControl(node, spec, `${path}:value`));
      }
      parts.push(this.button(this.texts.remove, `${path}:remove`, () => {
        parent.items.splice(parent.items.indexOf(node), 1);
        this.render(`${groupPath}:add`);
      }, "link"));
      return parts;
    }

    valueControl(node, spec, key) {
      if (spec.kind === "boolean") {
        const value = this.control("select", this.texts.value, key);
        this.options(value.element, [["true", this.texts.yes], ["false", this.texts.no]], String(node.value));
        if (typeof node.value !== "boolean") node.value = true;
        value.element.addEventListener("change", () => { node.value = value.element.value === "true"; this.sync(); });
        return value.wrap;
      }
      if (spec.choices && spec.choices.length && spec.kind !== "text") {
        const value = this.control("select", this.texts.value, key);
        this.options(value.element, [["", this.texts.choose], ...spec.choices.map((c) => [c.value, c.label])],
          node.value);
        value.element.addEventListener("change", () => { node.value = value.element.value; this.sync(); });
        return value.wrap;
      }
      const type = { date: "date", number: "number" }[spec.kind] || "text";
      const value = this.control("input", this.texts.value, key, { type, value: node.value ?? "" });
      if (type === "number") value.element.setAttribute("step", "any");
      value.element.addEventListener("input", () => { node.value = value.element.value; this.sync(); });
      return value.wrap;
    }
  }

  customElements.define("filter-builder", FilterBuilder);
})();
