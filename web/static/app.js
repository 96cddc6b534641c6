/* Inside Telegram: "Ik kom" sends Telegram's signed initData; the server checks who it is. */
(function () {
  "use strict";
  function initData() {
    var tg = window.Telegram && window.Telegram.WebApp;
    if (tg && tg.initData) { return tg.initData; }
    var hash = new URLSearchParams(window.location.hash.slice(1));
    return hash.get("tgWebAppData") || "";
  }
  document.querySelectorAll("button.rsvp").forEach(function (button) {
    button.addEventListener("click", function () {
      var result = button.nextElementSibling;
      button.disabled = true;
      fetch("/app/rsvp", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ init_data: initData(), activity_id: Number(button.getAttribute("data-activity")) })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        var refused = document.querySelector(".coming").getAttribute("data-refused");
        result.textContent = answer.ok ? answer.body.message : "⚠️ " + refused;
        button.disabled = answer.ok;
      }).catch(function () { result.textContent = "⚠️"; button.disabled = false; });
    });
  });
})();
