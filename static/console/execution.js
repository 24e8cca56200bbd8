/* The live execution page: the stage graph and the stage panel follow the run over the
   WebSocket (/ws/executions/<id>/): a snapshot on connect, then events. An event recolours
   its stage at once and the details are re-read from the server (no polling). */
(function () {
  "use strict";
  var CD = window.CD, el = CD.el, t = CD.t;
  var cfg = JSON.parse(document.getElementById("execution-config").textContent);
  var ACTIVE = ["RUNNING", "PAUSED", "SUSPENDED", "NOT_STARTED", "BUFFERED"];
  var COMPLETE = ["SUCCEEDED", "FAILED_CONTINUE", "TERMINAL", "CANCELED", "STOPPED", "SKIPPED"];
  var state = {
    doc: JSON.parse(document.getElementById("execution-document").textContent),
    perms: cfg.permissions, selected: null, userSelected: false, socket: null, retries: 0, refreshTimer: null
  };

  function $(id) { return document.getElementById(id); }
  function statusText(status) { return t("status_" + status); }
  function isActive(status) { return ACTIVE.indexOf(status) >= 0; }
  function stageTypeLabel(type) { return cfg.stageLabels[type] ? CD.label(cfg.stageLabels[type]) : type; }
  function stages() { return state.doc.stages || []; }
  function stageById(id) { return stages().filter(function (s) { return s.id === id; })[0] || null; }
  function children(parent) { return stages().filter(function (s) { return s.parentStageId === parent.id; }); }
  function descendants(parent) {
    var out = [];
    children(parent).forEach(function (child) { out.push(child); out = out.concat(descendants(child)); });
    return out;
  }
  function topLevel() { return stages().filter(function (s) { return !s.parentStageId; }); }

  function say(message, kind) {
    var line = $("run-message");
    line.textContent = message;
    line.className = "status-line" + (kind ? " status-line-" + kind : "");
  }

  /* ---------------------------------------------------------------- actions */

  function post(url, body, done) {
    CD.fetchJSON(url, { method: "POST", body: body || {} }).then(function (response) {
      if (response.ok) { say(t("action_accepted"), "ok"); refresh(); }
      else say((response.body && response.body.message) || t("action_failed"), "error");
      if (done) done(response);
    });
  }
  function runAction(action, body) { post(cfg.actionUrl.replace("ACTION", action), body); }
  function stageAction(stage, action, body, done) {
    state.selected = stage.parentStageId ? state.selected : stage.id;
    state.userSelected = true; // keep showing the stage the user acted on
    post(cfg.stageActionUrl.replace("STAGE", encodeURIComponent(stage.id)).replace("ACTION", action), body, done);
  }

  /* ---------------------------------------------------------------- header */

  function renderHeader() {
    var status = state.doc.status;
    var chip = $("run-status");
    chip.className = "chip status-" + status;
    chip.dataset.status = status;
    chip.textContent = statusText(status);
    var operate = state.perms.canOperate;
    $("pause-button").hidden = !(operate && status === "RUNNING");
    $("resume-button").hidden = !(operate && status === "PAUSED");
    $("cancel-button").hidden = !(operate && isActive(status));
    $("operate-reason").hidden = operate || !isActive(status);
    var duration = $("run-duration");
    if (state.doc.startTime) {
      var end = state.doc.endTime;
      duration.innerHTML = "";
      duration.appendChild(el("span", { class: "duration", "data-start": state.doc.startTime, "data-end": end || null, text: CD.formatDuration((end || Date.now()) - state.doc.startTime) }));
      $("run-started").textContent = CD.formatTime(state.doc.startTime);
    }
  }

  /* ---------------------------------------------------------------- graph */

  function interesting() {
    var all = topLevel();
    var judgment = all.filter(function (s) { return s.type === "manualJudgment" && s.status === "RUNNING"; })[0];
    var running = all.filter(function (s) { return s.status === "RUNNING"; })[0];
    var failed = all.filter(function (s) { return s.status === "TERMINAL"; })[0];
    return (judgment || running || failed || all[all.length - 1] || {}).id || null;
  }

  function renderGraph() {
    if (!state.userSelected) state.selected = interesting();
    var nodes = topLevel().map(function (stage) {
      return {
        key: stage.id, refId: stage.refId, requisites: stage.requisiteStageRefIds || [],
        title: stage.name || stage.type, subtitle: stageTypeLabel(stage.type),
        status: stage.status, statusText: statusText(stage.status),
        start: stage.startTime, end: stage.endTime,
        children: descendants(stage).map(function (child) {
          return { key: child.id, title: child.name || child.type, status: child.status, statusText: statusText(child.status) };
        })
      };
    });
    CDGraph.render($("run-graph"), nodes, {
      selectedKey: state.selected, emptyText: t("no_stages"),
      onSelect: function (key) { state.selected = key; state.userSelected = true; renderGraph(); renderPanel(); }
    });
  }

  /* ---------------------------------------------------------------- stage panel */

  function pre(value) {
    return el("pre", { class: "code small" }, [typeof value === "string" ? value : JSON.stringify(value, null, 2)]);
  }

  function section(title, content, open) {
    var details = el("details", { class: "panel-section", open: open ? true : null }, [el("summary", { text: title })]);
    details.appendChild(content);
    return details;
  }

  function errorsOf(stage) {
    var found = [];
    var exception = stage.context && stage.context.exception;
    if (exception && exception.details) {
      (exception.details.errors || [exception.details.error]).forEach(function (e) { if (e) found.push(e); });
    }
    (stage.tasks || []).forEach(function (task) {
      var details = task.taskExceptionDetails && task.taskExceptionDetails.details;
      if (details) (details.errors || [details.error]).forEach(function (e) { if (e && found.indexOf(e) < 0) found.push(e); });
    });
    return found;
  }

  function tasksTable(stage) {
    var table = el("table", { class: "table compact" }, [el("thead", {}, [el("tr", {}, [
      el("th", { scope: "col", text: t("task") }), el("th", { scope: "col", text: t("status") }), el("th", { scope: "col", text: t("duration") })
    ])])]);
    var body = el("tbody");
    (stage.tasks || []).forEach(function (task) {
      body.appendChild(el("tr", { class: "status-" + task.status }, [
        el("td", { text: task.name }),
        el("td", {}, [el("span", { class: "chip status-" + task.status, text: statusText(task.status) })]),
        el("td", {}, [task.startTime ? el("span", { class: "duration", "data-start": task.startTime, "data-end": task.endTime || null, text: CD.formatDuration((task.endTime || Date.now()) - task.startTime) }) : "—"])
      ]));
    });
    table.appendChild(body);
    return table;
  }

  function judgmentForm(stage) {
    var context = stage.context || {};
    var box = el("div", { class: "judgment card" }, [el("h3", { text: t("judgment") })]);
    if (context.instructions) box.appendChild(el("p", { class: "instructions", text: context.instructions }));
    if (context.judgmentStatus) {
      box.appendChild(el("p", { text: t("judged", { decision: context.judgmentStatus, who: context.lastModifiedBy || "?" }) + (context.judgmentInput ? " · " + context.judgmentInput : "") }));
      return box;
    }
    if (stage.status !== "RUNNING") return box;
    var allowed = state.perms.judgeable.indexOf(stage.id) >= 0;
    var form = el("form", { class: "judgment-form" });
    var fields = el("fieldset", { disabled: !allowed });
    var inputs = context.judgmentInputs || [];
    var choice = null;
    if (inputs.length) {
      choice = el("select", { id: "judgment-input" });
      inputs.forEach(function (input) { if (input && input.value) choice.appendChild(el("option", { value: input.value, text: input.value })); });
      fields.appendChild(el("p", { class: "field" }, [el("label", { for: "judgment-input", text: t("judgment_option") }), choice]));
    }
    var custom = {};
    (context.customInputs || []).forEach(function (input, index) {
      if (!input || !input.name) return;
      var id = "judgment-custom-" + index;
      var field = el("input", { id: id, type: "text", value: input.default || "", required: input.required ? true : null });
      custom[input.name] = field;
      fields.appendChild(el("p", { class: "field" }, [el("label", { for: id, text: (input.label || input.name) + (input.required ? " *" : "") }), field]));
    });
    function decide(decision) {
      var params = {};
      Object.keys(custom).forEach(function (name) { params[name] = custom[name].value; });
      var body = { judgmentStatus: decision };
      if (choice) body.judgmentInput = choice.value;
      if (Object.keys(custom).length) body.customParams = params;
      fields.disabled = true;
      stageAction(stage, "judgment", body, function (response) { if (!response.ok) fields.disabled = false; });
    }
    fields.appendChild(el("div", { class: "dialog-buttons" }, [
      el("button", { type: "button", class: "danger", onclick: function () { decide("stop"); } }, [t("judgment_stop")]),
      el("button", { type: "button", class: "primary", id: "judgment-continue", onclick: function () { decide("continue"); } }, [t("judgment_continue")])
    ]));
    form.appendChild(fields);
    form.addEventListener("submit", function (event) { event.preventDefault(); decide("continue"); });
    box.appendChild(form);
    if (!allowed) {
      var approvers = (context.approvers || []).join(", ");
      box.appendChild(el("p", { class: "reason", text: approvers ? t("judgment_not_allowed_named", { names: approvers }) : t("judgment_not_allowed") }));
    }
    return box;
  }

  function stageActions(stage) {
    var bar = el("div", { class: "actions stage-actions" });
    if (!state.perms.canOperate) return bar;
    var status = stage.status;
    var runIsActive = isActive(state.doc.status);
    if (COMPLETE.indexOf(status) >= 0 && status !== "SKIPPED") {
      var restartAllowed = !runIsActive || state.perms.canRestartRunning;
      bar.appendChild(el("button", {
        type: "button", disabled: !restartAllowed, title: restartAllowed ? null : t("restart_not_allowed"),
        onclick: function () { if (window.confirm(t("restart_confirm", { name: stage.name }))) stageAction(stage, "restart"); }
      }, [t("restart_stage")]));
    }
    if (stage.type === "wait" && status === "RUNNING") {
      bar.appendChild(el("button", { type: "button", onclick: function () { stageAction(stage, "skip-wait"); } }, [t("skip_wait")]));
    }
    var windowStage = [stage].concat(descendants(stage)).filter(function (s) { return s.type === "restrictExecutionDuringTimeWindow" && s.status === "RUNNING"; })[0];
    if (windowStage) {
      bar.appendChild(el("button", { type: "button", onclick: function () { stageAction(windowStage, "skip-window"); } }, [t("skip_window")]));
    }
    if (status === "RUNNING" && stage.type !== "manualJudgment") {
      bar.appendChild(el("button", { type: "button", onclick: function () { if (window.confirm(t("skip_confirm", { name: stage.name }))) stageAction(stage, "skip"); } }, [t("skip_stage")]));
    }
    return bar;
  }

  function renderPanel() {
    var panel = $("stage-details");
    panel.innerHTML = "";
    var stage = state.selected ? stageById(state.selected) : null;
    if (!stage) { panel.appendChild(el("p", { class: "muted", text: t("select_stage") })); return; }
    var context = stage.context || {};
    panel.appendChild(el("div", { class: "stage-head" }, [
      el("h2", {}, [stage.name || stage.type, " ", el("span", { class: "chip status-" + stage.status, "data-status": stage.status, text: statusText(stage.status) })]),
      el("p", { class: "muted small" }, [stageTypeLabel(stage.type), " · ", el("code", { text: stage.type }), " · refId ", el("code", { text: stage.refId || "" }),
        stage.startTime ? " · " + CD.formatTime(stage.startTime) : "", " · ",
        stage.startTime ? el("span", { class: "duration", "data-start": stage.startTime, "data-end": stage.endTime || null, text: CD.formatDuration((stage.endTime || Date.now()) - stage.startTime) }) : "—"])
    ]));
    panel.appendChild(stageActions(stage));
    if (stage.type === "manualJudgment") panel.appendChild(judgmentForm(stage));
    var errors = errorsOf(stage);
    if (errors.length) {
      panel.appendChild(el("div", { class: "stage-errors", role: "alert" }, [el("h3", { text: t("errors") }),
        el("ul", {}, errors.map(function (e) { return el("li", { text: e }); }))]));
    }
    var summary = context.expressionEvaluationSummary;
    if (summary && Object.keys(summary).length) {
      var items = [];
      Object.keys(summary).forEach(function (expression) {
        (summary[expression] || []).forEach(function (note) { items.push(el("li", {}, [el("code", { text: expression }), ": " + (note.description || "")])); });
      });
      panel.appendChild(el("div", { class: "stage-warnings" }, [el("h3", { text: t("expression_warnings") }), el("ul", {}, items)]));
    }
    if (context.waitTime !== undefined && stage.type === "wait") panel.appendChild(el("p", { text: t("wait_time", { n: context.waitTime }) }));
    if ((stage.tasks || []).length) panel.appendChild(section(t("tasks"), tasksTable(stage), true));
    var subs = descendants(stage);
    if (subs.length) {
      var list = el("ul", { class: "synthetic" });
      subs.forEach(function (child) {
        list.appendChild(el("li", { class: "status-" + child.status }, [
          el("strong", { text: child.name || child.type }), " ", el("span", { class: "chip status-" + child.status, text: statusText(child.status) }),
          (child.tasks || []).length ? tasksTable(child) : null
        ]));
      });
      panel.appendChild(section(t("synthetic_stages"), list, true));
    }
    var logs = context.jobStatus && context.jobStatus.logs;
    if (logs || context.logs) {
      var box = el("div");
      if (typeof logs === "string" && logs) box.appendChild(pre(logs));
      if (context.logs && typeof context.logs === "object") {
        Object.keys(context.logs).forEach(function (pod) { box.appendChild(el("h4", { text: pod })); box.appendChild(pre(context.logs[pod])); });
      }
      panel.appendChild(section(t("job_logs"), box, true));
    }
    if (context.webhook) {
      var hook = context.webhook;
      var hookBox = el("div");
      if (hook.statusCode !== undefined) hookBox.appendChild(el("p", { text: t("webhook_status", { code: hook.statusCode }) }));
      hookBox.appendChild(pre(hook));
      panel.appendChild(section(t("webhook_response"), hookBox, true));
    }
    panel.appendChild(section(t("context"), pre(context), false));
    panel.appendChild(section(t("outputs"), pre(stage.outputs || {}), false));
  }

  function renderTesterStages() {
    var select = $("tester-stage");
    var current = select.value;
    while (select.options.length > 1) select.remove(1);
    stages().forEach(function (stage) { select.appendChild(el("option", { value: stage.id, text: (stage.name || stage.type) + " (" + stage.refId + ")" })); });
    select.value = current;
  }

  function render() {
    renderHeader();
    renderGraph();
    renderPanel();
    renderTesterStages();
  }

  /* ---------------------------------------------------------------- live updates */

  function refresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(function () {
      CD.fetchJSON(cfg.dataUrl).then(function (response) {
        if (!response.ok) return;
        state.doc = response.body.execution;
        state.perms = response.body.permissions;
        render();
      });
    }, 150);
  }

  function apply(event) {
    var name = event.event;
    if (name === "StageStatusChanged" || name === "TaskStatusChanged") {
      var stage = stageById(event.stage_id);
      if (stage && name === "StageStatusChanged") {
        stage.status = event.status;
        if (event.status === "RUNNING" && !stage.startTime) stage.startTime = Date.now();
        if (COMPLETE.indexOf(event.status) >= 0 && !stage.endTime) stage.endTime = Date.now();
        renderGraph();
      }
    } else if (name === "ExecutionComplete" || name === "ExecutionStatusChanged") {
      state.doc.status = event.status;
      renderHeader();
    }
    refresh();
  }

  function connect() {
    var live = $("live-state");
    var url = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + cfg.wsPath;
    var socket;
    try { socket = new WebSocket(url); } catch (error) { live.textContent = t("live_unavailable"); return; }
    state.socket = socket;
    socket.onopen = function () { state.retries = 0; };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "snapshot") {
        state.doc = data.execution;
        live.textContent = t("live_on");
        document.body.dataset.live = "on";
        render();
        refresh();
      } else if (data.type === "event") {
        apply(data);
      }
    };
    socket.onclose = function (event) {
      document.body.dataset.live = "off";
      if (event.code === 4401 || event.code === 4404 || event.code === 4403) { live.textContent = t("live_refused"); return; }
      state.retries += 1;
      var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(state.retries, 5)));
      live.textContent = t("live_reconnecting");
      setTimeout(function () { connect(); refresh(); }, delay);
    };
  }

  function start() {
    var hash = /stage=([^&]+)/.exec(window.location.hash);
    if (hash) { state.selected = decodeURIComponent(hash[1]); state.userSelected = true; }
    render();
    $("pause-button").addEventListener("click", function () { runAction("pause"); });
    $("resume-button").addEventListener("click", function () { runAction("resume"); });
    $("cancel-form").addEventListener("submit", function (event) {
      event.preventDefault();
      runAction("cancel", { reason: $("cancel-reason").value });
      $("cancel-dialog").close();
    });
    $("tester-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var result = $("tester-result");
      CD.fetchJSON(cfg.evaluateUrl, { method: "POST", body: { expression: $("tester-expression").value, stageId: $("tester-stage").value || null } }).then(function (response) {
        result.hidden = false;
        if (!response.ok) { result.textContent = (response.body && response.body.message) || t("action_failed"); return; }
        var text = t("result") + "\n" + JSON.stringify(response.body.result, null, 2);
        if (response.body.detail) text += "\n\n" + t("problems") + "\n" + JSON.stringify(response.body.detail, null, 2);
        result.textContent = text;
      });
    });
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
