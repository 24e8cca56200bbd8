/* A release order's status chip follows its run live over the run's WebSocket. */
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("order-live");
    var chip = document.getElementById("order-status");
    if (!holder || !chip || !window.WebSocket) return;
    var url = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + holder.dataset.wsPath;
    var socket = new WebSocket(url);
    function show(status) {
      chip.className = "chip status-" + status;
      chip.dataset.status = status;
      chip.textContent = window.CD.t("status_" + status);
    }
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "snapshot") show(data.execution.status);
      if (data.type === "event" && (data.event === "ExecutionComplete" || data.event === "ExecutionStatusChanged")) show(data.status);
    };
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
