/* Forms generated from the catalogue's field schemas (stage types, triggers, parameters,
   notifications, artifacts). Each input writes only its own key into the target object, so
   keys the form does not know are never touched. */
(function () {
  "use strict";

  var counter = 0;

  function effective(target, field) {
    if (Object.prototype.hasOwnProperty.call(target, field.name)) return target[field.name];
    return field.default;
  }

  function visible(target, field, siblings) {
    if (!field.when) return true;
    var controller = siblings.filter(function (f) { return f.name === field.when.field; })[0];
    var value = controller ? effective(target, controller) : target[field.when.field];
    return field.when.values.some(function (allowed) { return allowed === value; });
  }

  /* The context of a nested form: the same helpers, its own ids and change callback. */
  function child(ctx, idPrefix, onChange) {
    return { onChange: onChange, idPrefix: idPrefix, accounts: ctx.accounts, applications: ctx.applications, enumLabel: ctx.enumLabel };
  }

  function numberish(text) {
    return /^-?\d+(\.\d+)?$/.test(text.trim());
  }

  function lines(value) {
    return Array.isArray(value) ? value.map(function (v) { return typeof v === "string" ? v : JSON.stringify(v); }).join("\n") : "";
  }

  /* Renders `fields` for `target` into `container`; ctx: {onChange, idPrefix, accounts,
     applications, skip (names), lang}. Returns nothing; re-renders itself when a field other
     fields depend on (`when`) changes. */
  function render(container, fields, target, ctx) {
    var el = window.CD.el, t = window.CD.t, label = window.CD.label;
    var skip = ctx.skip || [];
    var controllers = {};
    fields.forEach(function (f) { if (f.when) controllers[f.when.field] = true; });
    container.innerHTML = "";

    function changed(field) {
      if (ctx.onChange) ctx.onChange(field);
      if (controllers[field.name]) {
        var active = document.activeElement && document.activeElement.id;
        render(container, fields, target, ctx);
        if (active && document.getElementById(active)) document.getElementById(active).focus();
      }
    }

    function set(field, value) {
      if (value === undefined) delete target[field.name];
      else target[field.name] = value;
      changed(field);
    }

    fields.forEach(function (field) {
      if (skip.indexOf(field.name) >= 0 || !field.name) return;
      if (!visible(target, field, fields)) return;
      var id = (ctx.idPrefix || "f") + "-" + field.name.replace(/[^A-Za-z0-9_-]/g, "_");
      var helpId = id + "-help";
      var text = label(field.label) + (field.required ? " *" : "");
      var help = field.help ? el("p", { class: "help", id: helpId, text: label(field.help) }) : null;
      var describedBy = help ? helpId : null;
      var value = effective(target, field);
      var wrapper = el("div", { class: "field field-" + field.type, "data-field": field.name });
      var input = null;

      if (field.type === "boolean") {
        input = el("input", { type: "checkbox", id: id, "aria-describedby": describedBy });
        input.checked = value === true || value === "true";
        input.addEventListener("change", function () { set(field, input.checked); });
        wrapper.appendChild(el("label", { class: "check", for: id }, [input, " " + label(field.label)]));
        if (help) wrapper.appendChild(help);
        container.appendChild(wrapper);
        return;
      }

      if (field.type === "object" && field.fields && field.fields.length) {
        var fieldset = el("fieldset", { class: "subform" }, [el("legend", { text: label(field.label) })]);
        if (help) fieldset.appendChild(help);
        var sub = (value && typeof value === "object" && !Array.isArray(value)) ? value : {};
        var inner = el("div");
        fieldset.appendChild(inner);
        render(inner, field.fields, sub, child(ctx, id, function () {
          if (target[field.name] !== sub) target[field.name] = sub;
          changed(field);
        }));
        container.appendChild(fieldset);
        return;
      }

      if (field.type === "array" && field.items && field.items.type === "object" && field.items.fields && field.items.fields.length) {
        container.appendChild(repeated(field, target, id, help, ctx, changed));
        return;
      }

      if (field.type === "array" && field.items && field.items.enum && field.items.enum.length) {
        var group = el("fieldset", { class: "checks" }, [el("legend", { text: label(field.label) })]);
        var chosen = Array.isArray(value) ? value.slice() : [];
        field.items.enum.forEach(function (option, index) {
          var box = el("input", { type: "checkbox", id: id + "-" + index, value: option });
          box.checked = chosen.indexOf(option) >= 0;
          box.addEventListener("change", function () {
            var now = Array.isArray(target[field.name]) ? target[field.name].slice() : chosen.slice();
            var at = now.indexOf(option);
            if (box.checked && at < 0) now.push(option);
            if (!box.checked && at >= 0) now.splice(at, 1);
            chosen = now;
            set(field, now);
          });
          group.appendChild(el("label", { class: "check", for: id + "-" + index }, [box, " " + (ctx.enumLabel ? ctx.enumLabel(field, option) : option)]));
        });
        if (help) group.appendChild(help);
        container.appendChild(group);
        return;
      }

      wrapper.appendChild(el("label", { for: id, text: text }));
      var simpleItems = field.items && ["string", "integer", "number"].indexOf(field.items.type) >= 0;
      if (field.type === "array" && (!field.items || simpleItems)) {
        input = el("textarea", { id: id, rows: 3, "aria-describedby": describedBy, placeholder: t("one_per_line") });
        input.value = lines(value);
        input.addEventListener("change", function () {
          var items = input.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
          if (field.items && field.items.type !== "string") {
            items = items.map(function (s) { return numberish(s) ? Number(s) : s; });
          }
          set(field, items.length || Object.prototype.hasOwnProperty.call(target, field.name) ? items : undefined);
        });
      } else if (field.type === "string" && (field.enum && field.enum.length || /-account$|^application$/.test(field.format || ""))) {
        input = el("select", { id: id, "aria-describedby": describedBy });
        var options = (field.enum || []).slice();
        if (field.format === "kubernetes-account") options = (ctx.accounts && ctx.accounts.kubernetes) || [];
        if (field.format === "tencentcloud-account") options = (ctx.accounts && ctx.accounts.tencent) || [];
        if (field.format === "application") options = ctx.applications || [];
        if (value !== undefined && value !== null && value !== "" && options.indexOf(value) < 0) options = [value].concat(options);
        if (!field.required || value === undefined) input.appendChild(el("option", { value: "", text: "—" }));
        options.forEach(function (option) {
          var o = el("option", { value: option, text: String(option) });
          if (option === value) o.selected = true;
          input.appendChild(o);
        });
        input.addEventListener("change", function () {
          set(field, input.value === "" && !field.required ? undefined : input.value);
        });
      } else if (field.type === "string") {
        var long = ["markdown", "manifest"].indexOf(field.format) >= 0;
        input = el(long ? "textarea" : "input", { id: id, "aria-describedby": describedBy, rows: long ? 3 : null, type: long ? null : "text" });
        input.value = value === undefined || value === null ? "" : String(value);
        if (field.format === "expression" || field.format === "regex" || field.format === "cron") input.classList.add("code");
        input.addEventListener("change", function () {
          set(field, input.value === "" && !field.required ? undefined : input.value);
        });
      } else if (field.type === "integer" || field.type === "number") {
        input = el("input", { id: id, type: "text", inputmode: "numeric", class: "narrow", "aria-describedby": describedBy });
        input.value = value === undefined || value === null ? "" : String(value);
        input.addEventListener("change", function () {
          var raw = input.value.trim();
          if (raw === "") set(field, undefined);
          else set(field, numberish(raw) ? Number(raw) : raw); // expressions stay text
        });
      } else {
        input = el("textarea", { id: id, rows: 4, class: "code", "aria-describedby": describedBy, spellcheck: "false" });
        input.value = value === undefined ? "" : JSON.stringify(value, null, 2);
        var problem = el("p", { class: "error", role: "alert", hidden: true });
        input.addEventListener("change", function () {
          var raw = input.value.trim();
          if (raw === "") { problem.hidden = true; input.removeAttribute("aria-invalid"); set(field, undefined); return; }
          try {
            var parsed = JSON.parse(raw);
            problem.hidden = true;
            input.removeAttribute("aria-invalid");
            set(field, parsed);
          } catch (error) {
            problem.hidden = false;
            problem.textContent = t("invalid_json_field") + " " + error.message;
            input.setAttribute("aria-invalid", "true");
          }
        });
        wrapper.appendChild(input);
        wrapper.appendChild(problem);
        if (help) wrapper.appendChild(help);
        container.appendChild(wrapper);
        return;
      }
      wrapper.appendChild(input);
      if (help) wrapper.appendChild(help);
      container.appendChild(wrapper);
    });
  }

  /* An array of objects: one fieldset per item, with add and remove. */
  function repeated(field, target, id, help, ctx, changed) {
    var el = window.CD.el, t = window.CD.t, label = window.CD.label;
    var box = el("fieldset", { class: "repeat" }, [el("legend", { text: label(field.label), class: field.legendHidden ? "visually-hidden" : null })]);
    if (help) box.appendChild(help);
    var list = el("div", { class: "repeat-items" });
    box.appendChild(list);
    function items() { return Array.isArray(target[field.name]) ? target[field.name] : []; }
    function draw() {
      list.innerHTML = "";
      items().forEach(function (item, index) {
        if (!item || typeof item !== "object") return;
        var row = el("div", { class: "repeat-item" });
        var inner = el("div", { class: "repeat-fields" });
        render(inner, field.items.fields, item, child(ctx, id + "-" + index + "-" + (++counter), function () { changed(field); }));
        row.appendChild(inner);
        row.appendChild(el("button", {
          type: "button", class: "remove", "aria-label": t("remove_item", { name: label(field.items.label), n: index + 1 }),
          onclick: function () { items().splice(index, 1); draw(); changed(field); }
        }, [t("remove")]));
        list.appendChild(row);
      });
    }
    draw();
    box.appendChild(el("button", {
      type: "button", class: "add",
      onclick: function () {
        if (!Array.isArray(target[field.name])) target[field.name] = [];
        target[field.name].push(ctx.newItem ? ctx.newItem(field) : {});
        draw();
        changed(field);
        var inputs = list.querySelectorAll(".repeat-item:last-child input, .repeat-item:last-child select");
        if (inputs.length) inputs[0].focus();
      }
    }, [t("add_item", { name: label(field.items.label) })]));
    return box;
  }

  window.CDForms = { render: render, effective: effective };
})();
