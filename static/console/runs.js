/* Run lists follow the application's runs live: status chips change as runs progress and a new
   run appears at the top (the list is re-read once, on the event; no polling). */
(function () {
  "use strict";

  function start() {
    var holder = document.getElementById("runs-live");
    if (!holder || !window.WebSocket) return;
    var retries = 0;
    var pending = null;
    var form = document.querySelector("form.filters");

    function reload() {
      if (!form || !window.htmx) return;
      window.htmx.trigger(form, "submit");
    }

    function connect() {
      var url = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + holder.dataset.wsPath;
      var socket = new WebSocket(url);
      socket.onopen = function () { retries = 0; };
      socket.onmessage = function (message) {
        var data = JSON.parse(message.data);
        if (data.type !== "event") return;
        if (/^Execution/.test(data.event)) {
          clearTimeout(pending);
          pending = setTimeout(reload, 300);
        }
      };
      socket.onclose = function (event) {
        if (event.code >= 4400 && event.code < 4500) return;
        retries += 1;
        setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, Math.min(retries, 5))));
      };
    }
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
