/* cdplatform console: behaviour shared by every page (dialogs, confirmations, ticking
   durations, JSON fetches with the CSRF token, translated strings). Plain JS, no build. */
(function () {
  "use strict";

  var stringsCache = null;

  function strings() {
    if (stringsCache === null) {
      var node = document.getElementById("console-strings");
      stringsCache = node ? JSON.parse(node.textContent) : {};
    }
    return stringsCache;
  }

  /* A translated string by key, with {name} placeholders filled from `values`. */
  function t(key, values) {
    var text = strings()[key];
    if (text === undefined) text = key;
    if (values) {
      Object.keys(values).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(values[name]));
      });
    }
    return text;
  }

  function lang() {
    return (document.documentElement.lang || "en").toLowerCase().indexOf("zh") === 0 ? "zh-Hans" : "en";
  }

  /* A catalogue text {en, zh-Hans} in the page's language. */
  function label(text) {
    if (!text) return "";
    if (typeof text === "string") return text;
    return text[lang()] || text.en || "";
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* fetch() for the console's JSON endpoints: resolves {ok, status, body}. */
  function fetchJSON(url, options) {
    options = options || {};
    var init = {
      method: options.method || "GET",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    };
    if (options.body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text.slice(0, 300) }; }
        return { ok: response.ok, status: response.status, body: body };
      });
    }, function (error) {
      return { ok: false, status: 0, body: { message: t("network_error") + " " + error } };
    });
  }

  function formatDuration(ms) {
    var seconds = Math.max(0, Math.floor(ms / 1000));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    seconds = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (hours) return hours + "h " + pad(minutes) + "m";
    if (minutes) return minutes + "m " + pad(seconds) + "s";
    return seconds + "s";
  }

  function formatTime(ms) {
    if (!ms) return "—";
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  /* Durations of running things tick in the browser (no request involved). */
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".duration[data-start]:not([data-end])").forEach(function (node) {
      node.textContent = formatDuration(now - Number(node.dataset.start));
    });
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      var value = attributes[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.indexOf("on") === 0 && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (!dialog) return null;
    if (!dialog.open) dialog.showModal();
    var first = dialog.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (first) first.focus();
    return dialog;
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener && !opener.disabled) {
      var menu = opener.closest("details.menu");
      if (menu) menu.open = false;
      openDialog(opener.dataset.openDialog);
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-submit-on-change]")) target.form.submit();
    if (target.matches("[data-team-switcher]")) window.location = "/t/" + encodeURIComponent(target.value) + "/";
    if (target.matches("input[type=radio]")) revealFor(target.name, target.form || document);
  });

  /* Radios with data-reveals="id" show that element only while they are checked. */
  function revealFor(name, scope) {
    scope.querySelectorAll('input[type=radio][name="' + name + '"][data-reveals]').forEach(function (radio) {
      var target = document.getElementById(radio.dataset.reveals);
      if (target) target.hidden = !radio.checked;
    });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches("[data-must-equal]")) {
      document.querySelectorAll('[data-enabled-by="' + target.id + '"]').forEach(function (button) {
        button.disabled = target.value !== target.dataset.mustEqual;
      });
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  /* Content loaded into a dialog gets the focus of its first field. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.target.closest && event.target.closest("dialog");
    if (dialog && dialog.open) {
      var first = dialog.querySelector("input:not([type=hidden]):not([disabled]), select, textarea, button.primary");
      if (first) first.focus();
    }
  });

  /* Fields of cloud-account forms shown per kind (data-kinds="kubeconfig service_account"). */
  function showKindFields() {
    var kind = document.getElementById("account-kind");
    if (!kind) return;
    document.querySelectorAll("[data-kinds]").forEach(function (field) {
      field.hidden = field.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "account-kind") showKindFields();
  });

  document.addEventListener("DOMContentLoaded", function () {
    showKindFields();
    setInterval(tick, 1000);
  });

  window.CD = {
    t: t, lang: lang, label: label, csrf: csrf, fetchJSON: fetchJSON, el: el,
    formatDuration: formatDuration, formatTime: formatTime, openDialog: openDialog
  };
})();
