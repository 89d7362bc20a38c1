// <task-board>: the task board's drag and drop (T-2), native HTML drag and drop, no library.
//
// The page works without it: every card holds a real <form method="post"> "Move to…" (select + button; WCAG 2.5.7,
// a single-pointer and keyboard alternative to dragging) that answers 303 back to the board. With it, a card
// dropped on another column, or a "Move to…" form submitted, posts that same form with fetch (header
// X-Carnet-Island: the route answers JSON) and the card moves at once; the move is announced in the page's
// role="status" region. When the server refuses, the card goes back where it was and the API's message is
// announced in the board's role="alert" region.
(() => {
  "use strict";
  if (customElements.get("task-board")) return;  // a boosted navigation may load this file again

  const csrf = () => document.querySelector("main[data-csrf]")?.dataset.csrf || "";

  class TaskBoard extends HTMLElement {
    connectedCallback() {
      if (this.dataset.ready) return;
      this.dataset.ready = "true";  // also tells the browser journeys the board is live
      this.dragged = null;
      this.addEventListener("dragstart", (event) => this.onDragStart(event));
      this.addEventListener("dragend", () => this.onDragEnd());
      this.addEventListener("dragover", (event) => this.onDragOver(event));
      this.addEventListener("dragleave", (event) => this.onDragLeave(event));
      this.addEventListener("drop", (event) => this.onDrop(event));
      // Capture: before htmx or any other listener of the form sees the submit.
      this.addEventListener("submit", (event) => this.onSubmit(event), true);
    }

    onDragStart(event) {
      const card = event.target.closest?.(".task-card");
      if (!card || !card.querySelector("form.task-move")) return;
      this.dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.taskId);
    }

    onDragEnd() {
      this.dragged?.classList.remove("dragging");
      this.dragged = null;
      this.querySelectorAll(".task-column.drop-target").forEach((column) => column.classList.remove("drop-target"));
    }

    onDragOver(event) {
      const column = event.target.closest?.(".task-column");
      if (!column || !this.dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    }

    onDragLeave(event) {
      const column = event.target.closest?.(".task-column");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    }

    onDrop(event) {
      const column = event.target.closest?.(".task-column");
      const card = this.dragged;
      if (!column || !card) return;
      event.preventDefault();
      this.onDragEnd();
      const list = column.querySelector(".task-cards");
      if (list === card.parentElement) return;
      this.move(card, list);
    }

    onSubmit(event) {
      const form = event.target.closest?.("form.task-move");
      if (!form || !this.contains(form)) return;
      event.preventDefault();
      event.stopPropagation();
      const card = form.closest(".task-card");
      const list = this.querySelector(`.task-cards[data-status="${CSS.escape(form.elements.status.value)}"]`);
      if (card && list && list !== card.parentElement) this.move(card, list, true);
    }

    // Move ``card`` into ``list`` now, ask the server, and undo it if the server refuses.
    async move(card, list, keyboard = false) {
      const origin = card.parentElement;
      const next = card.nextElementSibling;
      const form = card.querySelector("form.task-move");
      const data = new FormData(form);
      data.set("status", list.dataset.status);
      list.prepend(card);
      this.recount(origin, list);
      this.alert("");
      let answer = null;
      let failure = null;
      try {
        const response = await fetch(form.action, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf(), "X-Carnet-Island": "task-board", Accept: "application/json" },
        });
        if (response.redirected) {  // the session ended: the login page, and back here after it
          window.location.assign(response.url);
          return;
        }
        answer = await response.json().catch(() => ({}));
        if (!response.ok || !answer.status) failure = answer.message || String(response.status);
      } catch (error) {
        failure = this.dataset.network;
      }
      if (failure !== null) {
        origin.insertBefore(card, next && next.parentElement === origin ? next : null);
        this.recount(list, origin);
        this.alert(this.dataset.failed.replace("{message}", failure));
        if (keyboard) form.elements.status.focus();
        return;
      }
      this.settle(card, list.dataset.status);
      this.announce(answer.message || "");
      if (keyboard) form.elements.status.focus();
    }

    // The card's "Move to…" choices follow its new column: its own is hidden, the first other one chosen.
    settle(card, status) {
      const select = card.querySelector("form.task-move select[name=status]");
      if (!select) return;
      let chosen = false;
      for (const option of select.options) {
        const own = option.value === status;
        option.hidden = own;
        option.disabled = own;
        if (!own && !chosen) { option.selected = true; chosen = true; }
      }
    }

    recount(from, to) {
      this.bump(from, -1);
      this.bump(to, 1);
    }

    bump(list, delta) {
      const badge = list.closest(".task-column")?.querySelector(".task-count");
      if (!badge || badge.dataset.capped === "true") return;
      const count = Math.max(0, Number(badge.dataset.count) + delta);
      badge.dataset.count = String(count);
      badge.textContent = new Intl.NumberFormat(document.documentElement.lang).format(count);
    }

    announce(text) {
      this.say("status", text);
    }

    alert(text) {
      this.say("board-alert", text);
    }

    // One line in a live region (role=status or role=alert), or none: a screen reader reads it as it changes.
    say(regionId, text) {
      const region = document.getElementById(regionId);
      if (!region) return;
      region.replaceChildren();
      if (text) {
        const line = document.createElement("p");
        line.textContent = text;
        region.append(line);
      }
    }
  }

  customElements.define("task-board", TaskBoard);
})();
