/* The embed script of a Carnet form (F-2, F-4, F-5), served as GET /f/<key>.js with the key and the site's address
 * written in by the gateway (public_forms.py). The snippet a site pastes names only the key:
 *   <div data-carnet-form="KEY"></div><script src="https://carnet.example/f/KEY.js" async></script>
 * so publishing a new version changes what every site shows (the script is cached 60 s).
 *
 * It fetches /f/<key>/definition.json?lang= (a "both" form in the visitor's language: the div's data-lang, else the
 * browser's), renders the form into each such div with labels tied to their controls, errors tied by
 * aria-describedby and aria-invalid, a honeypot "_hp" (off-screen, out of the tab order, hidden from assistive
 * technology), the single-use render token, the page's address, the consent box (never ticked for the visitor) and
 * the captcha widget when the form has one. It checks what it can before posting (the server's codes, the server's
 * words), posts JSON with fetch, then shows each field's errors in the form's language, or the thank-you message, or
 * goes to the thank-you URL. Every text is set with textContent: a visitor's or an editor's text is never markup.
 */
(function () {
  "use strict";
  var KEY = "__CARNET_FORM_KEY__";
  var BASE = "__CARNET_BASE_URL__";
  var LIMITS = { textarea: 10000 };
  var TEXT_LIMIT = 2000;
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  var CHECKS = {
    number: /^[-+]?\d+$/,
    decimal: /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/,
    date: /^\d{4}-\d{2}-\d{2}$/
  };
  var CAPTCHA = {
    turnstile: { src: "https://challenges.cloudflare.com/turnstile/v0/api.js", cls: "cf-turnstile",
                 field: "cf-turnstile-response" },
    hcaptcha: { src: "https://js.hcaptcha.com/1/api.js", cls: "h-captcha", field: "h-captcha-response" }
  };
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : String(attrs[name]));
      }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function visitorLanguage(root) {
    var asked = (root.getAttribute("data-lang") || navigator.language || "").toLowerCase();
    return asked.indexOf("fr") === 0 ? "fr" : "en";
  }

  function mount(root) {
    if (root.getAttribute("data-carnet-mounted")) { return; }
    root.setAttribute("data-carnet-mounted", "1");
    var url = BASE + "/f/" + encodeURIComponent(KEY) + "/definition.json?lang=" + visitorLanguage(root);
    fetch(url, { credentials: "omit", mode: "cors" })
      .then(function (response) {
        if (!response.ok) { throw new Error("form " + KEY + ": " + response.status); }
        return response.json();
      })
      .then(function (data) { render(root, data); })
      .catch(function () { root.removeAttribute("data-carnet-mounted"); });
  }

  function render(root, data) {
    var form = data.form, texts = data.messages || {};
    var prefix = "carnet-" + KEY + "-" + (counter++);
    var node = el("form", { "class": "carnet-form", novalidate: true, lang: form.language,
                            "aria-labelledby": prefix + "-title" });
    node.appendChild(el("h2", { id: prefix + "-title", "class": "carnet-form-title" }, form.title));
    if (form.intro) { node.appendChild(el("p", { "class": "carnet-form-intro" }, form.intro)); }
    var summary = el("div", { "class": "carnet-form-errors", role: "alert", tabindex: "-1", hidden: true });
    node.appendChild(summary);
    if (form.fields.some(function (f) { return f.required; })) {
      node.appendChild(el("p", { "class": "carnet-form-note" }, texts.required_note));
    }
    var controls = {};
    form.fields.forEach(function (field, index) {
      controls[field.name] = addField(node, field, prefix + "-" + index, texts);
    });
    if (form.consent && form.consent.enabled) {
      controls._consent = addField(node, { name: "_consent", type: "boolean", required: false,
                                           label: form.consent.text }, prefix + "-consent", texts);
    }
    node.appendChild(honeypot(prefix, texts));
    var captcha = CAPTCHA[(form.captcha || {}).provider];
    if (captcha) {
      node.appendChild(el("div", { "class": captcha.cls, "data-sitekey": form.captcha.site_key || "" }));
      if (!document.querySelector('script[src="' + captcha.src + '"]')) {
        document.head.appendChild(el("script", { src: captcha.src, async: true, defer: true }));
      }
    }
    var button = el("button", { type: "submit", "class": "carnet-form-submit" }, form.submit_label);
    node.appendChild(el("p")).appendChild(button);
    var status = el("div", { "class": "carnet-form-status", role: "status", "aria-live": "polite" });
    node.appendChild(status);
    var state = { token: data.render_token, postUrl: data.post_url, form: form, texts: texts, controls: controls,
                  summary: summary, button: button, status: status, root: root, node: node, captcha: captcha };
    node.addEventListener("submit", function (event) { event.preventDefault(); send(state); });
    root.textContent = "";
    root.appendChild(node);
  }

  function addField(form, field, id, texts) {
    var wrapper = el("div", { "class": "carnet-form-field carnet-form-" + field.type });
    var error = el("p", { id: id + "-error", "class": "carnet-form-error", hidden: true });
    var label = field.label + (field.required ? " *" : "");
    var control, inputs = [];
    if (field.type === "multi") {
      control = el("fieldset", { id: id, "aria-describedby": id + "-error" });
      control.appendChild(el("legend", {}, label));
      (field.options || []).forEach(function (option, i) {
        var box = el("input", { type: "checkbox", id: id + "-" + i, name: field.name, value: option });
        var line = el("div", { "class": "carnet-form-option" });
        line.appendChild(box);
        line.appendChild(el("label", { "for": id + "-" + i }, option));
        control.appendChild(line);
        inputs.push(box);
      });
      wrapper.appendChild(control);
    } else if (field.type === "boolean") {
      control = el("input", { type: "checkbox", id: id, name: field.name, value: "true",
                              "aria-describedby": id + "-error", required: field.required });
      wrapper.appendChild(control);
      wrapper.appendChild(el("label", { "for": id }, label));
    } else {
      wrapper.appendChild(el("label", { "for": id }, label));
      if (field.type === "textarea") {
        control = el("textarea", { id: id, name: field.name, rows: "4", maxlength: LIMITS.textarea });
      } else if (field.type === "select") {
        control = el("select", { id: id, name: field.name });
        control.appendChild(el("option", { value: "" }, texts.choose));
        (field.options || []).forEach(function (option) { control.appendChild(el("option", { value: option }, option)); });
      } else {
        var type = { email: "email", phone: "tel", number: "text", decimal: "text", date: "date" }[field.type] || "text";
        control = el("input", { type: type, id: id, name: field.name, maxlength: TEXT_LIMIT,
                                inputmode: { number: "numeric", decimal: "decimal" }[field.type] || null,
                                autocomplete: { email: "email", first_name: "given-name", last_name: "family-name",
                                                phone: "tel", mobile: "tel", company: "organization",
                                                postal_code: "postal-code", city: "address-level2" }[field.name] || null });
      }
      control.setAttribute("aria-describedby", id + "-error");
      if (field.required) { control.setAttribute("aria-required", "true"); }
      wrapper.appendChild(control);
    }
    wrapper.appendChild(error);
    form.appendChild(wrapper);
    return { field: field, control: control, inputs: inputs, error: error, wrapper: wrapper };
  }

  function honeypot(prefix, texts) {
    // F-4: a person never sees nor reaches this field; a robot filling every input does.
    var box = el("div", { "aria-hidden": "true", "class": "carnet-form-hp" });
    box.style.position = "absolute";
    box.style.left = "-10000px";
    box.style.top = "auto";
    box.style.width = "1px";
    box.style.height = "1px";
    box.style.overflow = "hidden";
    box.appendChild(el("label", { "for": prefix + "-hp" }, texts.honeypot));
    box.appendChild(el("input", { type: "text", id: prefix + "-hp", name: "_hp", tabindex: "-1",
                                  autocomplete: "off", value: "" }));
    return box;
  }

  function valueOf(entry) {
    var type = entry.field.type;
    if (type === "multi") {
      return entry.inputs.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    }
    if (type === "boolean") { return entry.control.checked; }
    return entry.control.value;
  }

  function check(entry, value) {
    // The server's codes (definition.validate_values), checked here only to spare a round trip.
    var field = entry.field, type = field.type;
    var empty = value === "" || value === false || (Array.isArray(value) && value.length === 0);
    if (empty) { return field.required ? "required" : null; }
    if (typeof value === "string") {
      if (value.length > (LIMITS[type] || TEXT_LIMIT)) { return "too_long"; }
      if (type === "email" && !EMAIL.test(value.trim())) { return "invalid_email"; }
      if (CHECKS[type] && !CHECKS[type].test(value.trim())) { return "invalid_" + type; }
    }
    return null;
  }

  function showErrors(state, errors) {
    var first = null, count = 0;
    Object.keys(state.controls).forEach(function (name) {
      var entry = state.controls[name], text = errors[name];
      if (text) {
        entry.error.textContent = text;
        entry.error.hidden = false;
        (entry.inputs.length ? entry.inputs : [entry.control]).forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
        entry.wrapper.classList.add("carnet-form-invalid");
        first = first || (entry.inputs[0] || entry.control);
        count += 1;
      } else {
        entry.error.textContent = "";
        entry.error.hidden = true;
        (entry.inputs.length ? entry.inputs : [entry.control]).forEach(function (c) { c.removeAttribute("aria-invalid"); });
        entry.wrapper.classList.remove("carnet-form-invalid");
      }
    });
    var other = Object.keys(errors).filter(function (name) { return !state.controls[name]; });
    if (count || other.length) {
      state.summary.textContent = "";
      state.summary.appendChild(el("p", {}, state.texts.errors_title));
      other.forEach(function (name) { state.summary.appendChild(el("p", {}, errors[name])); });
      state.summary.hidden = false;
      if (first) { first.focus(); } else { state.summary.focus(); }
    } else {
      state.summary.hidden = true;
      state.summary.textContent = "";
    }
  }

  function fail(state, text) {
    state.summary.textContent = "";
    state.summary.appendChild(el("p", {}, text));
    state.summary.hidden = false;
    state.summary.focus();
  }

  function send(state) {
    var body = { _token: state.token, _page_url: window.location.href, _lang: state.form.language,
                 _hp: state.node.querySelector('input[name="_hp"]').value };
    var errors = {}, invalid = false;
    Object.keys(state.controls).forEach(function (name) {
      var entry = state.controls[name], value = valueOf(entry), code = check(entry, value);
      if (code) { errors[name] = state.texts[code] || state.texts.invalid; invalid = true; }
      body[name] = value;
    });
    if (state.captcha) {
      var answer = state.node.querySelector('[name="' + state.captcha.field + '"]');
      body._captcha = answer ? answer.value : "";
    }
    showErrors(state, errors);
    if (invalid) { return; }
    state.button.disabled = true;
    state.status.textContent = state.texts.sending;
    fetch(state.postUrl, { method: "POST", credentials: "omit", mode: "cors",
                           headers: { "Content-Type": "application/json", "Accept": "application/json" },
                           body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        state.button.disabled = false;
        state.status.textContent = "";
        if (result.status === 201) { return done(state, result.data.thank_you || {}); }
        if (result.status === 422 && result.data.errors) {
          var shown = {};
          Object.keys(result.data.errors).forEach(function (name) {
            shown[name] = [].concat(result.data.errors[name]).join(" ");
          });
          return showErrors(state, shown);
        }
        // Nothing was stored (only a 201 acknowledges, F-5): the visitor may send the same answers again.
        fail(state, result.status === 429 ? state.texts.rate_limited : state.texts.network_error);
      })
      .catch(function () {
        state.button.disabled = false;
        state.status.textContent = "";
        fail(state, state.texts.network_error);
      });
  }

  function done(state, thankYou) {
    if (thankYou.url && /^https?:\/\//i.test(thankYou.url)) {
      window.location.assign(thankYou.url);
      return;
    }
    var message = el("p", { "class": "carnet-form-thanks", role: "status", tabindex: "-1", lang: state.form.language },
                     thankYou.message || state.texts.thanks_default);
    state.root.textContent = "";
    state.root.appendChild(message);
    message.focus();
  }

  function start() {
    var roots = document.querySelectorAll('div[data-carnet-form="' + KEY + '"]');
    Array.prototype.forEach.call(roots, mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
