/* 学习计时：只在页面可见（音视频：正在播放）时每隔若干秒向服务器发送心跳；时长由服务器测量，客户端不上报时长。
 *
 * 页面放一个 <div data-study-key="lesson:5" data-study-media="#player" data-study-interval="15"></div>，
 * 可选 <span data-study-today></span> 显示“今日已学 N 分钟”。
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-study-key]");
  if (!box) { return; }
  var key = box.getAttribute("data-study-key");
  var url = box.getAttribute("data-study-url") || "/api/v1/study/heartbeat/";
  var interval = Math.max(parseInt(box.getAttribute("data-study-interval") || "15", 10) || 15, 1) * 1000;
  var mediaSelector = box.getAttribute("data-study-media");
  var media = mediaSelector ? document.querySelector(mediaSelector) : null;
  var todayLabels = document.querySelectorAll("[data-study-today]");
  var timer = null;
  var chainOpen = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function studying() {
    if (document.visibilityState !== "visible") { return false; }
    if (media) { return !media.paused && !media.ended; }
    return true;
  }

  function show(secondsToday) {
    var minutes = Math.floor(secondsToday / 60);
    for (var i = 0; i < todayLabels.length; i++) {
      todayLabels[i].textContent = "今日已学 " + minutes + " 分钟";
      todayLabels[i].setAttribute("data-seconds", String(secondsToday));
    }
  }

  function send(state) {
    chainOpen = state !== "stop";
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: state === "stop",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ content: key, state: state })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data.seconds_today); } })
      .catch(function () { /* 网络中断：下一次心跳重新开始计时，中断期间不计时 */ });
  }

  function tick() {
    if (studying()) { send(media ? "playing" : "visible"); }
  }

  function start() {
    if (timer === null && studying()) {
      tick();
      timer = window.setInterval(tick, interval);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
    if (chainOpen) { send("stop"); }
  }

  document.addEventListener("visibilitychange", function () {
    if (studying()) { start(); } else { stop(); }
  });
  window.addEventListener("pagehide", stop);
  if (media) {
    media.addEventListener("play", start);
    media.addEventListener("pause", stop);
    media.addEventListener("ended", stop);
  }
  start();
})();
