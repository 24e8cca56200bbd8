/* The stage graph: stages in columns by dependency depth, arrows from each stage to the ones
   that wait for it. Shared by the editor (with "+" buttons) and the live execution page. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  /* Column of every node: 0 without (known) requisites, else 1 + the deepest requisite. */
  function depths(nodes) {
    var byRef = {};
    nodes.forEach(function (node) { byRef[node.refId] = node; });
    var memo = {};
    var visiting = {};
    function depth(node) {
      if (memo[node.key] !== undefined) return memo[node.key];
      if (visiting[node.key]) return 0; // a cycle: validation reports it, the graph survives
      visiting[node.key] = true;
      var deepest = -1;
      (node.requisites || []).forEach(function (ref) {
        var parent = byRef[ref];
        if (parent && parent !== node) deepest = Math.max(deepest, depth(parent));
      });
      visiting[node.key] = false;
      memo[node.key] = deepest + 1;
      return memo[node.key];
    }
    nodes.forEach(depth);
    return memo;
  }

  function render(container, nodes, opts) {
    opts = opts || {};
    var el = window.CD.el;
    container.innerHTML = "";
    if (!nodes.length) {
      container.appendChild(el("p", { class: "empty", text: opts.emptyText || "" }));
      return { redraw: function () {} };
    }
    var levels = depths(nodes);
    var columns = [];
    nodes.forEach(function (node) {
      var level = levels[node.key];
      (columns[level] = columns[level] || []).push(node);
    });
    var board = el("div", { class: "graph-board" });
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "graph-arrows");
    svg.setAttribute("aria-hidden", "true");
    board.appendChild(svg);
    var row = el("div", { class: "graph-columns" });
    board.appendChild(row);
    var boxes = {};
    columns.forEach(function (column) {
      var columnNode = el("div", { class: "graph-column" });
      (column || []).forEach(function (node) {
        var classes = "graph-node" + (node.status ? " status-" + node.status : "") +
          (node.flagged ? " flagged" : "") + (opts.selectedKey === node.key ? " selected" : "");
        var box = el("div", { class: classes, "data-ref-id": node.refId, "data-status": node.status || null, "data-key": node.key });
        var button = el("button", {
          type: "button", class: "node-button",
          "aria-pressed": opts.selectedKey === node.key ? "true" : "false",
          onclick: function () { if (opts.onSelect) opts.onSelect(node.key); }
        }, [
          el("span", { class: "node-title", text: node.title }),
          el("span", { class: "node-subtitle", text: node.subtitle || "" }),
          node.statusText ? el("span", { class: "node-status", text: node.statusText }) : null,
          node.start ? el("span", { class: "duration small", "data-start": node.start, "data-end": node.end || null, text: window.CD.formatDuration((node.end || Date.now()) - node.start) }) : null
        ]);
        box.appendChild(button);
        if (node.children && node.children.length) {
          var list = el("ul", { class: "node-children" });
          node.children.forEach(function (child) {
            list.appendChild(el("li", { class: "status-" + child.status, "data-status": child.status }, [
              el("span", { class: "dot", "aria-hidden": "true" }), child.title + " · " + (child.statusText || child.status)
            ]));
          });
          box.appendChild(list);
        }
        if (opts.onAdd) {
          box.appendChild(el("div", { class: "node-add" }, [
            el("button", { type: "button", class: "add-after", title: opts.addAfterLabel(node), "aria-label": opts.addAfterLabel(node), onclick: function () { opts.onAdd(node.key, "after"); } }, ["+"]),
            el("button", { type: "button", class: "add-parallel", title: opts.addParallelLabel(node), "aria-label": opts.addParallelLabel(node), onclick: function () { opts.onAdd(node.key, "parallel"); } }, ["∥"])
          ]));
        }
        boxes[node.refId] = box;
        columnNode.appendChild(box);
      });
      row.appendChild(columnNode);
    });
    container.appendChild(board);

    function redraw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var origin = board.getBoundingClientRect();
      svg.setAttribute("width", board.scrollWidth);
      svg.setAttribute("height", board.scrollHeight);
      var defs = document.createElementNS(SVG, "defs");
      defs.innerHTML = '<marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker>';
      svg.appendChild(defs);
      nodes.forEach(function (node) {
        var to = boxes[node.refId];
        (node.requisites || []).forEach(function (ref) {
          var from = boxes[ref];
          if (!from || !to || from === to) return;
          var a = from.querySelector(".node-button").getBoundingClientRect();
          var b = to.querySelector(".node-button").getBoundingClientRect();
          var x1 = a.right - origin.left, y1 = a.top + a.height / 2 - origin.top;
          var x2 = b.left - origin.left, y2 = b.top + b.height / 2 - origin.top;
          var bend = Math.max(20, (x2 - x1) / 2);
          var path = document.createElementNS(SVG, "path");
          path.setAttribute("d", "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + (x2 - 2) + "," + y2);
          path.setAttribute("class", "arrow");
          path.setAttribute("marker-end", "url(#arrow-head)");
          svg.appendChild(path);
        });
      });
    }
    redraw();
    var pending = null;
    var onResize = function () {
      if (!board.isConnected) { window.removeEventListener("resize", onResize); return; }
      clearTimeout(pending);
      pending = setTimeout(redraw, 100);
    };
    window.addEventListener("resize", onResize);
    return { redraw: redraw };
  }

  window.CDGraph = { render: render, depths: depths };
})();
