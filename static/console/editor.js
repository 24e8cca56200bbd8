/* The pipeline editor: the stage graph with "+" buttons, stage forms from the catalogue, the
   configuration panel, the JSON tab (errors pointed at), save with stale-save detection, and
   stage copy. The working copy is the pipeline JSON; forms only write the keys they show. */
(function () {
  "use strict";
  var CD = window.CD, el = CD.el, t = CD.t, label = CD.label;

  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var HANDLED = ["refId", "requisiteStageRefIds", "type", "name", "stageEnabled", "failPipeline",
    "continuePipeline", "completeOtherBranchesThenFail", "stageTimeoutMs",
    "restrictExecutionDuringTimeWindow", "restrictedExecutionWindow", "skipWindowText",
    "sendNotifications", "notifications", "comments"];
  var ADVANCED = ["failOnFailedExpressions", "skipExpressionEvaluation", "markSuccessfulOnTimeout",
    "backoffPeriodMs", "expectedArtifacts"];
  var SETTINGS = ["name", "description", "limitConcurrent", "keepWaitingPipelines",
    "maxConcurrentExecutions", "spelEvaluator", "manualStartAlert"];

  var state = {
    doc: null, platform: {}, catalog: null, selected: null, dirty: false, tab: "stages",
    jsonDirty: false, problems: [], loadedUpdateTs: null, revision: null
  };

  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function $(id) { return document.getElementById(id); }

  function readOnly() { return config.readOnly; }

  function loaded(document) {
    var copy = clone(document);
    state.platform = copy.cdplatform || {};
    delete copy.cdplatform;
    if (!Array.isArray(copy.stages)) copy.stages = copy.stages === undefined ? [] : copy.stages;
    state.doc = copy;
    state.loadedUpdateTs = copy.updateTs;
    state.revision = state.platform.revision;
    state.dirty = false;
    state.jsonDirty = false;
    updateDirty();
  }

  function updateDirty() {
    var flag = $("dirty-flag");
    if (flag) flag.hidden = !state.dirty;
    var copyNote = $("copy-stages-dirty");
    if (copyNote) copyNote.hidden = !state.dirty;
    var insert = $("copy-stages-insert");
    if (insert) insert.disabled = state.dirty || readOnly();
  }

  function markDirty() {
    state.dirty = true;
    updateDirty();
  }

  function say(message, kind) {
    var line = $("editor-status");
    line.textContent = message;
    line.className = "status-line" + (kind ? " status-line-" + kind : "");
  }

  /* ---------------------------------------------------------------- catalogue lookups */

  function stageTypes() { return state.catalog ? state.catalog.stageTypes : []; }
  function stageType(type) {
    return stageTypes().filter(function (each) { return each.type === type || (each.aliases || []).indexOf(type) >= 0; })[0] || null;
  }
  function typeLabel(type) {
    var found = stageType(type);
    return found ? label(found.label) : type;
  }
  function stages() { return Array.isArray(state.doc.stages) ? state.doc.stages : []; }
  function stageKey(stage, index) {
    return stage && typeof stage.refId === "string" && stage.refId ? stage.refId : "#" + index;
  }
  function stageByKey(key) {
    var list = stages();
    for (var i = 0; i < list.length; i++) if (stageKey(list[i], i) === key) return { stage: list[i], index: i };
    return null;
  }
  function nextRef() {
    var highest = 0;
    stages().forEach(function (stage) {
      var n = parseInt(stage && stage.refId, 10);
      if (!isNaN(n) && String(n) === String(stage.refId)) highest = Math.max(highest, n);
    });
    return String(highest + 1);
  }

  /* ---------------------------------------------------------------- problems */

  function setProblems(problems) {
    state.problems = problems || [];
    var box = $("problems");
    var list = $("problem-list");
    list.innerHTML = "";
    box.hidden = !state.problems.length;
    state.problems.forEach(function (problem) {
      var item = el("li", { class: "problem problem-" + (problem.level || "error") }, [
        el("span", { class: "problem-message", text: problem.message }), " ",
        problem.pointer !== undefined ? el("code", { class: "pointer", text: problem.pointer || "/" }) : null,
        problem.line ? el("span", { class: "muted", text: " " + t("line_column", { line: problem.line, column: problem.column }) }) : null,
        " ",
        el("button", { type: "button", class: "link-button", onclick: function () { showInJson(problem); } }, [t("show_in_json")])
      ]);
      list.appendChild(item);
    });
    if (state.tab === "stages") renderGraph();
  }

  function problemStageIndexes() {
    var found = {};
    state.problems.forEach(function (problem) {
      var match = /^\/stages\/(\d+)/.exec(problem.pointer || "");
      if (match && problem.level !== "warning") found[Number(match[1])] = true;
    });
    return found;
  }

  function errorsFrom(body) {
    var details = body && body.details;
    var errors = (details && details.errors) || [];
    var warnings = (details && details.warnings) || [];
    var out = errors.map(function (e) { return { pointer: e.pointer, message: e.message, level: "error" }; });
    warnings.forEach(function (w) { out.push({ pointer: w.pointer, message: w.message, level: "warning" }); });
    if (!out.length && body && body.message) out.push({ message: body.message, level: "error" });
    return out;
  }

  /* ---------------------------------------------------------------- graph */

  var graph = null;

  function renderGraph() {
    var flagged = problemStageIndexes();
    var nodes = stages().map(function (stage, index) {
      stage = stage || {};
      return {
        key: stageKey(stage, index),
        refId: stageKey(stage, index),
        requisites: Array.isArray(stage.requisiteStageRefIds) ? stage.requisiteStageRefIds.map(String) : [],
        title: stage.name || typeLabel(stage.type) || t("unnamed_stage"),
        subtitle: typeLabel(stage.type),
        flagged: !!flagged[index]
      };
    });
    graph = CDGraph.render($("graph"), nodes, {
      selectedKey: state.selected,
      emptyText: t("no_stages"),
      onSelect: function (key) { select(key); },
      onAdd: readOnly() ? null : function (key, mode) { openTypePicker(mode, key); },
      addAfterLabel: function (node) { return t("add_after", { name: node.title }); },
      addParallelLabel: function (node) { return t("add_parallel", { name: node.title }); }
    });
  }

  function select(key) {
    state.selected = key;
    renderGraph();
    renderStagePanel();
  }

  /* ---------------------------------------------------------------- stage type picker */

  var pending = null;

  function openTypePicker(mode, anchorKey) {
    pending = { mode: mode, anchor: anchorKey };
    renderTypeList("");
    $("stage-type-search").value = "";
    CD.openDialog("stage-type-dialog");
  }

  function renderTypeList(query) {
    var list = $("stage-type-list");
    list.innerHTML = "";
    if (!state.catalog) { list.appendChild(el("p", { text: t("loading") })); return; }
    query = query.trim().toLowerCase();
    state.catalog.stageGroups.forEach(function (group) {
      var members = stageTypes().filter(function (type) {
        if (type.group !== group.key) return false;
        if (!query) return true;
        var haystack = [type.type, label(type.label), label(type.description), type.label.en].join(" ").toLowerCase();
        return haystack.indexOf(query) >= 0;
      });
      if (!members.length) return;
      var section = el("section", { class: "type-group" }, [el("h3", { text: label(group.label) })]);
      var ul = el("ul", { role: "list" });
      members.forEach(function (type) {
        ul.appendChild(el("li", {}, [el("button", {
          type: "button", class: "type-choice", "data-stage-type": type.type,
          onclick: function () { addStage(type.type); }
        }, [
          el("strong", { text: label(type.label) }), " ", el("code", { class: "muted small", text: type.type }),
          type.runnable ? null : el("span", { class: "badge badge-warn", text: t("not_runnable") }),
          el("span", { class: "type-description", text: label(type.description) })
        ])]));
      });
      section.appendChild(ul);
      list.appendChild(section);
    });
  }

  function addStage(type) {
    var found = stageType(type);
    var anchor = pending && pending.anchor ? stageByKey(pending.anchor) : null;
    var requisites = [];
    if (pending && pending.mode === "after" && anchor) requisites = [stageKey(anchor.stage, anchor.index)];
    if (pending && pending.mode === "parallel" && anchor) requisites = (anchor.stage.requisiteStageRefIds || []).slice();
    var stage = { refId: nextRef(), requisiteStageRefIds: requisites, type: type, name: found ? label(found.label) : type };
    (found ? found.fields : []).forEach(function (field) {
      if (field.default !== undefined && HANDLED.indexOf(field.name) < 0 && !(field.name in stage)) stage[field.name] = clone(field.default);
    });
    if (!Array.isArray(state.doc.stages)) state.doc.stages = [];
    state.doc.stages.push(stage);
    $("stage-type-dialog").close();
    markDirty();
    say(t("stage_added", { name: stage.name }));
    select(stage.refId);
    var first = $("stage-panel").querySelector("input, select, textarea");
    if (first) first.focus();
  }

  /* ---------------------------------------------------------------- stage panel */

  function failureChoice(stage) {
    if (stage.continuePipeline === true) return "ignore";
    if (stage.completeOtherBranchesThenFail === true) return "branch_then_fail";
    if (stage.failPipeline === false) return "halt_branch";
    return "halt_pipeline";
  }

  var FAILURE = {
    halt_pipeline: { failPipeline: true, continuePipeline: false, completeOtherBranchesThenFail: false },
    halt_branch: { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: false },
    branch_then_fail: { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: true },
    ignore: { failPipeline: false, continuePipeline: true, completeOtherBranchesThenFail: false }
  };

  function renderStagePanel() {
    var panel = $("stage-panel");
    panel.innerHTML = "";
    var found = state.selected ? stageByKey(state.selected) : null;
    if (!found) {
      panel.appendChild(el("p", { class: "muted", text: stages().length ? t("select_stage") : "" }));
      return;
    }
    if (!state.catalog) { panel.appendChild(el("p", { class: "muted", text: t("loading") })); return; }
    var stage = found.stage;
    var type = stageType(stage.type);
    var prefix = "stage-" + found.index;
    var fieldset = el("fieldset", { class: "stage-form", disabled: readOnly() });
    fieldset.appendChild(el("legend", { class: "visually-hidden", text: t("stage_settings") }));
    var heading = el("div", { class: "stage-form-head" }, [
      el("h2", { text: (stage.name || typeLabel(stage.type)) }),
      el("p", { class: "muted" }, [typeLabel(stage.type), " · ", el("code", { text: String(stage.type) }), " · refId ", el("code", { text: String(stage.refId) })]),
      type ? el("p", { class: "help", text: label(type.description) }) : el("p", { class: "help", text: t("unknown_stage_type") })
    ]);
    fieldset.appendChild(heading);

    function changed() { markDirty(); }
    function graphChanged() { markDirty(); renderGraph(); }

    // Name
    var nameId = prefix + "-name";
    var name = el("input", { id: nameId, type: "text", value: stage.name || "" });
    name.addEventListener("change", function () { stage.name = name.value; heading.querySelector("h2").textContent = name.value || typeLabel(stage.type); graphChanged(); });
    fieldset.appendChild(el("div", { class: "field" }, [el("label", { for: nameId, text: t("stage_name") }), name]));

    // Depends on
    var deps = el("fieldset", { class: "checks" }, [el("legend", { text: t("depends_on") })]);
    var others = stages().filter(function (other, index) { return index !== found.index && other; });
    if (!others.length) deps.appendChild(el("p", { class: "muted small", text: t("no_other_stages") }));
    others.forEach(function (other, position) {
      var ref = String(other.refId);
      var box = el("input", { type: "checkbox", id: prefix + "-dep-" + position, value: ref });
      box.checked = (stage.requisiteStageRefIds || []).map(String).indexOf(ref) >= 0;
      box.addEventListener("change", function () {
        var now = (stage.requisiteStageRefIds || []).map(String).filter(function (r) { return r !== ref; });
        if (box.checked) now.push(ref);
        stage.requisiteStageRefIds = now;
        graphChanged();
      });
      deps.appendChild(el("label", { class: "check", for: prefix + "-dep-" + position }, [box, " " + (other.name || typeLabel(other.type)) + " (" + ref + ")"]));
    });
    fieldset.appendChild(deps);

    // Type-specific fields
    if (type) {
      var own = el("div", { class: "type-fields" });
      CDForms.render(own, type.fields, stage, {
        onChange: changed, idPrefix: prefix, skip: HANDLED,
        accounts: config.accounts, applications: config.applications
      });
      fieldset.appendChild(el("section", { class: "form-section" }, [el("h3", { text: t("stage_configuration") }), own]));
    } else {
      fieldset.appendChild(el("p", { class: "help", text: t("edit_unknown_in_json") }));
    }

    fieldset.appendChild(executionOptions(stage, prefix, changed));
    fieldset.appendChild(notificationSection(stage, prefix, changed, "stage"));

    var advanced = el("details", { class: "form-section" }, [el("summary", { text: t("advanced") })]);
    var advancedFields = el("div");
    CDForms.render(advancedFields, state.catalog.commonStageFields.filter(function (f) { return ADVANCED.indexOf(f.name) >= 0; }), stage, { onChange: changed, idPrefix: prefix + "-adv" });
    advanced.appendChild(advancedFields);
    var commentsId = prefix + "-comments";
    var comments = el("textarea", { id: commentsId, rows: 2 });
    comments.value = stage.comments || "";
    comments.addEventListener("change", function () { if (comments.value) stage.comments = comments.value; else delete stage.comments; changed(); });
    advanced.appendChild(el("div", { class: "field" }, [el("label", { for: commentsId, text: t("comments") }), comments]));
    fieldset.appendChild(advanced);

    fieldset.appendChild(el("p", {}, [el("button", {
      type: "button", class: "danger-outline",
      onclick: function () { removeStage(found.index); }
    }, [t("remove_stage")])]));
    panel.appendChild(fieldset);
  }

  function executionOptions(stage, prefix, changed) {
    var section = el("section", { class: "form-section" }, [el("h3", { text: t("execution_options") })]);
    // If stage fails
    var failId = prefix + "-fail";
    var fail = el("select", { id: failId });
    [["halt_pipeline", t("fail_halt_pipeline")], ["halt_branch", t("fail_halt_branch")],
      ["branch_then_fail", t("fail_branch_then_fail")], ["ignore", t("fail_ignore")]].forEach(function (option) {
      var o = el("option", { value: option[0], text: option[1] });
      if (failureChoice(stage) === option[0]) o.selected = true;
      fail.appendChild(o);
    });
    fail.addEventListener("change", function () {
      var values = FAILURE[fail.value];
      Object.keys(values).forEach(function (key) { stage[key] = values[key]; });
      changed();
    });
    section.appendChild(el("div", { class: "field" }, [el("label", { for: failId, text: t("if_stage_fails") }), fail]));

    // Conditional expression
    var condId = prefix + "-cond";
    var cond = el("input", { type: "checkbox", id: condId });
    var enabled = stage.stageEnabled && typeof stage.stageEnabled === "object" ? stage.stageEnabled : null;
    cond.checked = !!enabled;
    var exprId = prefix + "-expr";
    var expr = el("input", { type: "text", id: exprId, class: "code", value: enabled ? (enabled.expression || "") : "", placeholder: "parameters.env == 'prod'", "aria-describedby": exprId + "-help" });
    var exprField = el("div", { class: "field indent", hidden: !enabled }, [el("label", { for: exprId, text: t("expression") }), expr, el("p", { class: "help", id: exprId + "-help", text: t("expression_help") })]);
    cond.addEventListener("change", function () {
      if (cond.checked) stage.stageEnabled = Object.assign({ type: "expression" }, stage.stageEnabled || {}, { expression: expr.value });
      else delete stage.stageEnabled;
      exprField.hidden = !cond.checked;
      changed();
    });
    expr.addEventListener("change", function () {
      stage.stageEnabled = Object.assign({ type: "expression" }, stage.stageEnabled || {}, { expression: expr.value });
      changed();
    });
    section.appendChild(el("label", { class: "check", for: condId }, [cond, " " + t("conditional")]));
    section.appendChild(exprField);

    // Timeout
    var timeoutId = prefix + "-timeout";
    var hasTimeout = typeof stage.stageTimeoutMs === "number";
    var timeoutBox = el("input", { type: "checkbox", id: timeoutId });
    timeoutBox.checked = hasTimeout;
    var minutesId = prefix + "-timeout-minutes";
    var minutes = el("input", { id: minutesId, type: "number", min: "1", step: "1", class: "narrow", value: hasTimeout ? String(Math.round(stage.stageTimeoutMs / 60000)) : "60" });
    var timeoutField = el("div", { class: "field indent", hidden: !hasTimeout }, [el("label", { for: minutesId, text: t("timeout_minutes") }), minutes]);
    function setTimeoutValue() {
      var value = Math.max(1, Number(minutes.value) || 1);
      stage.stageTimeoutMs = value * 60000;
      changed();
    }
    timeoutBox.addEventListener("change", function () {
      if (timeoutBox.checked) setTimeoutValue(); else { delete stage.stageTimeoutMs; changed(); }
      timeoutField.hidden = !timeoutBox.checked;
    });
    minutes.addEventListener("change", setTimeoutValue);
    section.appendChild(el("label", { class: "check", for: timeoutId }, [timeoutBox, " " + t("timeout")]));
    section.appendChild(timeoutField);

    // Execution window
    section.appendChild(windowEditor(stage, prefix, changed));
    return section;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function windowEditor(stage, prefix, changed) {
    var box = el("div", { class: "window-editor" });
    var id = prefix + "-window";
    var toggle = el("input", { type: "checkbox", id: id });
    toggle.checked = stage.restrictExecutionDuringTimeWindow === true;
    var body = el("div", { class: "indent", hidden: !toggle.checked });
    function windowObject() {
      if (!stage.restrictedExecutionWindow || typeof stage.restrictedExecutionWindow !== "object") stage.restrictedExecutionWindow = {};
      return stage.restrictedExecutionWindow;
    }
    function drawRanges() {
      body.innerHTML = "";
      var win = stage.restrictedExecutionWindow || {};
      var ranges = Array.isArray(win.whitelist) ? win.whitelist : [];
      ranges.forEach(function (range, index) {
        var startId = id + "-start-" + index, endId = id + "-end-" + index;
        var start = el("input", { type: "time", id: startId, value: pad(range.startHour || 0) + ":" + pad(range.startMin || 0) });
        var end = el("input", { type: "time", id: endId, value: pad(range.endHour || 0) + ":" + pad(range.endMin || 0) });
        function update() {
          var s = (start.value || "00:00").split(":"), e = (end.value || "00:00").split(":");
          range.startHour = Number(s[0]); range.startMin = Number(s[1]);
          range.endHour = Number(e[0]); range.endMin = Number(e[1]);
          changed();
        }
        start.addEventListener("change", update);
        end.addEventListener("change", update);
        body.appendChild(el("div", { class: "window-range" }, [
          el("label", { for: startId, text: t("from") }), start, el("label", { for: endId, text: t("to") }), end,
          el("button", { type: "button", class: "remove", onclick: function () { ranges.splice(index, 1); changed(); drawRanges(); } }, [t("remove")])
        ]));
      });
      body.appendChild(el("button", { type: "button", class: "add", onclick: function () {
        var win2 = windowObject();
        if (!Array.isArray(win2.whitelist)) win2.whitelist = [];
        win2.whitelist.push({ startHour: 9, startMin: 0, endHour: 18, endMin: 0 });
        changed(); drawRanges();
      } }, [t("add_time_range")]));
      var days = el("fieldset", { class: "checks inline" }, [el("legend", { text: t("days") })]);
      var chosen = Array.isArray(win.days) ? win.days : [];
      [1, 2, 3, 4, 5, 6, 7].forEach(function (day) {
        var dayId = id + "-day-" + day;
        var check = el("input", { type: "checkbox", id: dayId });
        check.checked = chosen.indexOf(day) >= 0;
        check.addEventListener("change", function () {
          var w = windowObject();
          var now = (Array.isArray(w.days) ? w.days : []).filter(function (d) { return d !== day; });
          if (check.checked) now.push(day);
          now.sort();
          if (now.length) w.days = now; else delete w.days;
          changed();
        });
        days.appendChild(el("label", { class: "check", for: dayId }, [check, " " + t("day_" + day)]));
      });
      body.appendChild(days);
      body.appendChild(el("p", { class: "help", text: t("days_help") }));
    }
    toggle.addEventListener("change", function () {
      stage.restrictExecutionDuringTimeWindow = toggle.checked;
      if (toggle.checked) {
        var w = windowObject();
        if (!Array.isArray(w.whitelist) || !w.whitelist.length) w.whitelist = [{ startHour: 9, startMin: 0, endHour: 18, endMin: 0 }];
      }
      body.hidden = !toggle.checked;
      changed();
      drawRanges();
    });
    drawRanges();
    box.appendChild(el("label", { class: "check", for: id }, [toggle, " " + t("execution_window")]));
    box.appendChild(body);
    return box;
  }

  function notificationFields() {
    var types = state.catalog.notificationTypes.filter(function (n) { return n.supported; }).map(function (n) { return n.type; });
    return state.catalog.notificationFields.map(function (field) {
      if (field.name === "type") return Object.assign({}, field, { enum: types });
      return field;
    });
  }

  function eventLabel(field, option) {
    var event = (state.catalog.events || []).filter(function (e) { return e.key === option; })[0];
    return event ? label(event.label) : option;
  }

  function notificationSection(target, prefix, changed, level) {
    var section = el("section", { class: "form-section" }, [el("h3", { text: t("notifications") })]);
    if (level === "stage") {
      var id = prefix + "-send";
      var send = el("input", { type: "checkbox", id: id });
      send.checked = target.sendNotifications === true;
      send.addEventListener("change", function () { target.sendNotifications = send.checked; changed(); });
      section.appendChild(el("label", { class: "check", for: id }, [send, " " + t("send_notifications")]));
    }
    var holder = el("div");
    var field = { name: "notifications", type: "array", legendHidden: true, label: { en: t("notifications"), "zh-Hans": t("notifications") },
      items: { type: "object", label: { en: t("notification"), "zh-Hans": t("notification") }, fields: notificationFields() } };
    CDForms.render(holder, [field], target, { onChange: changed, idPrefix: prefix + "-notify", enumLabel: eventLabel });
    section.appendChild(holder);
    return section;
  }

  function removeStage(index) {
    var stage = stages()[index];
    var ref = stage && String(stage.refId);
    state.doc.stages.splice(index, 1);
    stages().forEach(function (other) {
      if (other && Array.isArray(other.requisiteStageRefIds)) {
        other.requisiteStageRefIds = other.requisiteStageRefIds.filter(function (r) { return String(r) !== ref; });
      }
    });
    state.selected = null;
    markDirty();
    say(t("stage_removed", { name: (stage && stage.name) || ref }));
    renderGraph();
    renderStagePanel();
  }

  /* ---------------------------------------------------------------- configuration tab */

  function renderConfig() {
    var panel = $("tab-config");
    panel.innerHTML = "";
    if (!state.catalog) { panel.appendChild(el("p", { text: t("loading") })); return; }
    var fieldset = el("fieldset", { class: "config-form", disabled: readOnly() });
    fieldset.appendChild(el("legend", { class: "visually-hidden", text: t("configuration") }));
    var doc = state.doc;
    function changed() { markDirty(); }

    var options = el("div");
    CDForms.render(options, state.catalog.pipelineFields.filter(function (f) { return SETTINGS.indexOf(f.name) >= 0; }), doc, { onChange: changed, idPrefix: "cfg" });
    fieldset.appendChild(el("section", { class: "form-section" }, [el("h2", { text: t("execution_options") }), options]));

    var artifacts = el("div");
    CDForms.render(artifacts, [{ name: "expectedArtifacts", type: "array", legendHidden: true, label: { en: t("expected_artifacts"), "zh-Hans": t("expected_artifacts") },
      items: { type: "object", label: { en: t("artifact"), "zh-Hans": t("artifact") }, fields: state.catalog.expectedArtifactFields } }],
      doc, { onChange: changed, idPrefix: "cfg-art", newItem: function () { return { id: uuid(), displayName: "" }; } });
    fieldset.appendChild(el("section", { class: "form-section" }, [el("h2", { text: t("expected_artifacts") }), artifacts]));

    fieldset.appendChild(triggerSection(changed));

    var params = el("div");
    CDForms.render(params, [{ name: "parameterConfig", type: "array", legendHidden: true, label: { en: t("parameters"), "zh-Hans": t("parameters") },
      items: { type: "object", label: { en: t("parameter"), "zh-Hans": t("parameter") }, fields: state.catalog.parameterFields } }],
      doc, { onChange: changed, idPrefix: "cfg-param" });
    fieldset.appendChild(el("section", { class: "form-section" }, [el("h2", { text: t("parameters") }), params]));

    var notify = notificationSection(doc, "cfg", changed, "pipeline");
    notify.querySelector("h3").outerHTML = "<h2>" + t("notifications") + "</h2>";
    fieldset.appendChild(notify);
    panel.appendChild(fieldset);
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }

  function triggerSection(changed) {
    var section = el("section", { class: "form-section" }, [el("h2", { text: t("triggers") })]);
    var list = el("div", { class: "repeat-items" });
    section.appendChild(list);
    function triggers() {
      if (!Array.isArray(state.doc.triggers)) state.doc.triggers = [];
      return state.doc.triggers;
    }
    function draw() {
      list.innerHTML = "";
      (Array.isArray(state.doc.triggers) ? state.doc.triggers : []).forEach(function (trigger, index) {
        if (!trigger || typeof trigger !== "object") return;
        var type = state.catalog.triggerTypes.filter(function (tt) { return tt.type === trigger.type; })[0];
        var box = el("fieldset", { class: "repeat-item trigger" }, [el("legend", { text: (type ? label(type.label) : String(trigger.type)) + (type && !type.supported ? " — " + t("trigger_not_fired") : "") })]);
        var fields = state.catalog.commonTriggerFields.filter(function (f) { return f.name !== "type" && f.name !== "id"; }).concat(type ? type.fields : []);
        var inner = el("div", { class: "repeat-fields" });
        CDForms.render(inner, fields, trigger, { onChange: changed, idPrefix: "trg-" + index, accounts: config.accounts, applications: config.applications });
        box.appendChild(inner);
        box.appendChild(el("button", { type: "button", class: "remove", onclick: function () { triggers().splice(index, 1); changed(); draw(); } }, [t("remove_trigger")]));
        list.appendChild(box);
      });
    }
    draw();
    var pickId = "new-trigger-type";
    var pick = el("select", { id: pickId });
    state.catalog.triggerTypes.filter(function (tt) { return tt.supported; }).forEach(function (tt) {
      pick.appendChild(el("option", { value: tt.type, text: label(tt.label) }));
    });
    section.appendChild(el("div", { class: "inline-form" }, [
      el("label", { for: pickId, text: t("trigger_type") }), pick,
      el("button", { type: "button", class: "add", onclick: function () { triggers().push({ type: pick.value, enabled: true }); changed(); draw(); } }, [t("add_trigger")])
    ]));
    return section;
  }

  /* ---------------------------------------------------------------- JSON tab */

  function jsonText() { return JSON.stringify(state.doc, null, 2); }

  function fillJson() {
    $("json-text").value = jsonText();
    state.jsonDirty = false;
    $("json-excerpt").hidden = true;
  }

  function excerpt(text, start, end) {
    var box = $("json-excerpt");
    box.innerHTML = "";
    var from = CDJson.lineCol(text, start).line;
    var to = CDJson.lineCol(text, Math.max(start, end - 1)).line;
    var all = text.split("\n");
    var first = Math.max(1, from - 2), last = Math.min(all.length, to + 2);
    var offset = 0;
    for (var n = 1; n < first; n++) offset += all[n - 1].length + 1;
    var pre = el("pre", { class: "code" });
    for (var line = first; line <= last; line++) {
      var content = all[line - 1];
      var lineStart = offset, lineEnd = offset + content.length;
      var row = el("span", { class: "excerpt-line" }, [el("span", { class: "line-no", "aria-hidden": "true", text: String(line) + " " })]);
      var a = Math.max(start, lineStart), b = Math.min(end, lineEnd);
      if (a < b || (start === end && start >= lineStart && start <= lineEnd)) {
        if (a >= b) { a = start; b = Math.min(start + 1, lineEnd); }
        row.appendChild(document.createTextNode(content.slice(0, a - lineStart)));
        row.appendChild(el("mark", { text: content.slice(a - lineStart, b - lineStart) || " " }));
        row.appendChild(document.createTextNode(content.slice(b - lineStart)));
      } else {
        row.appendChild(document.createTextNode(content));
      }
      pre.appendChild(row);
      pre.appendChild(document.createTextNode("\n"));
      offset = lineEnd + 1;
    }
    box.appendChild(el("p", { class: "help", text: t("line_column", CDJson.lineCol(text, start)) }));
    box.appendChild(pre);
    box.hidden = false;
  }

  function highlight(start, end) {
    var area = $("json-text");
    var text = area.value;
    area.focus();
    area.setSelectionRange(start, Math.max(start + 1, end));
    var line = CDJson.lineCol(text, start).line;
    var lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (line - 4) * lineHeight);
    excerpt(text, start, end);
  }

  function showInJson(problem) {
    switchTab("json", true);
    var text = $("json-text").value;
    if (problem.position !== undefined) { highlight(problem.position, problem.position + 1); return; }
    var parsed;
    try { parsed = CDJson.parse(text); } catch (error) { return; }
    var found = CDJson.spanFor(parsed.spans, problem.pointer || "");
    if (found) highlight(found.span[0], found.span[1]);
  }

  /* Applies the JSON tab to the working copy; false (with the error shown) when it does not parse. */
  function applyJson() {
    var text = $("json-text").value;
    var parsed;
    try {
      parsed = CDJson.parse(text);
    } catch (error) {
      if (!(error instanceof CDJson.SyntaxProblem)) throw error;
      var where = CDJson.lineCol(text, error.position);
      setProblems([{ message: t("json_syntax", { message: error.message }), line: where.line, column: where.column, position: error.position, level: "error" }]);
      highlight(error.position, error.position + 1);
      say(t("json_not_applied"), "error");
      return false;
    }
    if (!parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
      setProblems([{ pointer: "/", message: t("json_not_object"), level: "error" }]);
      return false;
    }
    delete parsed.value.cdplatform;
    state.doc = parsed.value;
    state.jsonDirty = false;
    markDirty();
    setProblems([]);
    $("json-excerpt").hidden = true;
    return true;
  }

  function check() {
    if (state.jsonDirty && !applyJson()) return;
    say(t("checking"));
    CD.fetchJSON(config.validateUrl, { method: "POST", body: { document: state.doc } }).then(function (response) {
      if (response.ok) {
        var warnings = (response.body.warnings || []).map(function (w) { return { pointer: w.pointer, message: w.message, level: "warning" }; });
        setProblems(warnings);
        say(warnings.length ? t("valid_with_warnings", { n: warnings.length }) : t("valid"), "ok");
      } else {
        var problems = errorsFrom(response.body);
        setProblems(problems);
        say(t("invalid", { n: problems.filter(function (p) { return p.level === "error"; }).length }), "error");
        if (state.tab === "json" && problems.length && problems[0].pointer !== undefined) showInJson(problems[0]);
      }
    });
  }

  /* ---------------------------------------------------------------- tabs */

  function switchTab(name, force) {
    if (state.tab === "json" && name !== "json" && state.jsonDirty && !applyJson()) return;
    state.tab = name;
    ["stages", "config", "json"].forEach(function (tab) {
      $("tab-" + tab).hidden = tab !== name;
      var button = $("tab-" + tab + "-button");
      button.setAttribute("aria-selected", tab === name ? "true" : "false");
    });
    if (name === "stages") { renderGraph(); renderStagePanel(); }
    if (name === "config") renderConfig();
    if (name === "json" && (!state.jsonDirty || force === "reset")) fillJson();
  }

  /* ---------------------------------------------------------------- save and copy */

  function save() {
    if (readOnly()) return;
    if (state.tab === "json" && state.jsonDirty && !applyJson()) return;
    var note = $("change-note");
    var payload = clone(state.doc);
    payload.updateTs = state.loadedUpdateTs;
    var button = $("save-button");
    button.disabled = true;
    say(t("saving"));
    CD.fetchJSON(config.documentUrl, { method: "POST", body: { document: payload, note: note ? note.value : "" } }).then(function (response) {
      button.disabled = false;
      if (response.ok) {
        var previous = state.revision;
        loaded(response.body.document);
        if (note) note.value = "";
        setProblems([]);
        $("conflict-banner").hidden = true;
        updateRevision();
        say(state.revision === previous ? t("nothing_changed") : t("saved", { n: state.revision }), "ok");
        rerender();
        return;
      }
      var body = response.body || {};
      if (response.status === 409 && body.code === "stale") { showConflict(body); return; }
      if (response.status === 400) {
        var problems = errorsFrom(body);
        setProblems(problems);
        say(t("not_saved_invalid", { n: problems.filter(function (p) { return p.level === "error"; }).length }), "error");
        return;
      }
      say(body.message || t("not_saved"), "error");
    });
  }

  function showConflict(body) {
    var details = body.details || {};
    var banner = $("conflict-banner");
    banner.innerHTML = "";
    var diff = config.diffUrl + "?from=" + encodeURIComponent(state.revision) + "&to=current";
    banner.appendChild(el("p", {}, [el("strong", { text: t("conflict_title") }), " ", t("conflict_text", { who: details.lastModifiedBy || "?", n: details.revision || "?" })]));
    banner.appendChild(el("p", {}, [
      el("a", { href: diff, target: "_blank", rel: "noopener", id: "conflict-diff-link" }, [t("conflict_diff")]), " · ",
      el("button", { type: "button", class: "link-button", onclick: function () { state.dirty = false; window.location.reload(); } }, [t("conflict_reload")])
    ]));
    banner.hidden = false;
    say(t("not_saved"), "error");
    banner.setAttribute("tabindex", "-1");
    banner.focus();
  }

  function updateRevision() {
    var heading = document.querySelector(".editor-head h1 .muted");
    if (heading) heading.textContent = t("revision_n", { n: state.revision });
  }

  function rerender() {
    if (state.tab === "stages") { renderGraph(); renderStagePanel(); }
    if (state.tab === "config") renderConfig();
    if (state.tab === "json") fillJson();
  }

  function setupCopy() {
    var source = $("copy-stages-source");
    var list = $("copy-stages-list");
    var after = $("copy-stages-after");
    var chosen = null;
    function fillAfter() {
      after.innerHTML = "";
      after.appendChild(el("option", { value: "", text: t("copy_at_start") }));
      stages().forEach(function (stage) {
        if (stage && stage.refId) after.appendChild(el("option", { value: stage.refId, text: (stage.name || stage.type) + " (" + stage.refId + ")" }));
      });
      if (state.selected) after.value = state.selected;
    }
    $("copy-stages-button").addEventListener("click", fillAfter);
    source.addEventListener("change", function () {
      var id = source.value;
      if (!id) return;
      list.innerHTML = "";
      list.appendChild(el("legend", { text: t("stages_to_copy") }));
      list.appendChild(el("p", { class: "muted", text: t("loading") }));
      CD.fetchJSON(config.documentUrlTemplate.replace("00000000-0000-0000-0000-000000000000", id)).then(function (response) {
        list.innerHTML = "";
        list.appendChild(el("legend", { text: t("stages_to_copy") }));
        if (!response.ok) { list.appendChild(el("p", { class: "error", text: (response.body && response.body.message) || t("not_found") })); return; }
        chosen = id;
        var stagesOf = response.body.document.stages || [];
        if (!stagesOf.length) list.appendChild(el("p", { class: "muted", text: t("no_stages") }));
        stagesOf.forEach(function (stage, index) {
          var boxId = "copy-stage-" + index;
          list.appendChild(el("label", { class: "check", for: boxId }, [
            el("input", { type: "checkbox", id: boxId, value: stage.refId }), " " + (stage.name || stage.type) + " · " + typeLabel(stage.type)
          ]));
        });
      });
    });
    $("copy-stages-insert").addEventListener("click", function () {
      var refs = Array.prototype.map.call(list.querySelectorAll("input:checked"), function (box) { return box.value; });
      if (!chosen || !refs.length) { say(t("tick_stages"), "error"); return; }
      CD.fetchJSON(config.copyUrl, { method: "POST", body: {
        from: chosen, refIds: refs, after: after.value ? [after.value] : [],
        revision: state.revision, updateTs: state.loadedUpdateTs
      } }).then(function (response) {
        if (response.ok) {
          loaded(response.body.document);
          updateRevision();
          $("copy-stages-dialog").close();
          say(t("stages_copied", { n: refs.length, rev: state.revision }), "ok");
          rerender();
        } else if (response.status === 409 && response.body && response.body.code === "stale") {
          $("copy-stages-dialog").close();
          showConflict(response.body);
        } else {
          say((response.body && response.body.message) || t("not_saved"), "error");
        }
      });
    });
  }

  /* ---------------------------------------------------------------- start */

  function start() {
    loaded(JSON.parse($("pipeline-document").textContent));
    if (readOnly()) {
      document.querySelectorAll(".edit-only").forEach(function (node) { node.hidden = true; });
      $("json-text").readOnly = true;
    }
    document.querySelectorAll("[data-editor-tab]").forEach(function (button) {
      button.addEventListener("click", function () {
        var menu = button.closest("details.menu");
        if (menu) menu.open = false;
        switchTab(button.dataset.editorTab);
      });
    });
    $("json-text").addEventListener("input", function () { state.jsonDirty = true; markDirty(); });
    $("json-apply").addEventListener("click", function () { if (applyJson()) { fillJson(); say(t("json_applied"), "ok"); } });
    $("json-validate").addEventListener("click", check);
    $("json-reset").addEventListener("click", function () { fillJson(); setProblems([]); });
    $("add-first-stage").addEventListener("click", function () { openTypePicker("start", null); });
    $("stage-type-search").addEventListener("input", function (event) { renderTypeList(event.target.value); });
    var saveButton = $("save-button");
    if (saveButton) saveButton.addEventListener("click", save);
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "s" && saveButton) { event.preventDefault(); save(); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (state.dirty && !readOnly()) { event.preventDefault(); event.returnValue = ""; }
    });
    setupCopy();
    renderGraph();
    renderStagePanel();
    CD.fetchJSON(config.catalogUrl).then(function (response) {
      if (!response.ok) { say(t("catalog_failed"), "error"); return; }
      state.catalog = response.body;
      document.body.dataset.catalogReady = "true";
      rerender();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
