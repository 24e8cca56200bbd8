/* The pipeline list: reorder by dragging a row's handle, or with the arrow keys on it; the new
   order is saved at once (the server keeps the pipelines' slots among themselves). */
(function () {
  "use strict";

  function start() {
    var list = document.getElementById("pipeline-list");
    if (!list || !list.dataset.reorderUrl) return;
    var dragged = null;
    var status = document.createElement("p");
    status.className = "status-line";
    status.setAttribute("role", "status");
    list.parentNode.insertBefore(status, list.nextSibling);

    function save() {
      var ids = Array.prototype.map.call(list.querySelectorAll(".pipeline-row"), function (row) { return row.dataset.id; });
      window.CD.fetchJSON(list.dataset.reorderUrl, { method: "POST", body: { ids: ids } }).then(function (response) {
        status.textContent = response.ok ? window.CD.t("order_saved") : ((response.body && response.body.message) || window.CD.t("order_not_saved"));
        status.className = "status-line " + (response.ok ? "status-line-ok" : "status-line-error");
      });
    }

    list.addEventListener("dragstart", function (event) {
      var handle = event.target.closest(".handle");
      if (!handle) return;
      dragged = handle.closest(".pipeline-row");
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.id);
      event.dataTransfer.setDragImage(dragged, 20, 20);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var row = event.target.closest(".pipeline-row");
      if (!row || row === dragged) return;
      var box = row.getBoundingClientRect();
      var before = event.clientY < box.top + box.height / 2;
      list.insertBefore(dragged, before ? row : row.nextSibling);
    });
    list.addEventListener("drop", function (event) { event.preventDefault(); });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      save();
    });
    list.addEventListener("keydown", function (event) {
      var handle = event.target.closest(".handle");
      if (!handle || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      event.preventDefault();
      var row = handle.closest(".pipeline-row");
      var sibling = event.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
      if (!sibling) return;
      list.insertBefore(row, event.key === "ArrowUp" ? sibling : sibling.nextSibling);
      handle.focus();
      save();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
