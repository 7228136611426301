/* 考试答题页：随答随存、断网保留、恢复后补发、服务器计时、离开页面计数。
 *
 * 协议见 dangjian/exams/api/views.py 的模块说明：每次保存带递增序列号 seq，服务器只在事务提交后确认；
 * 确认（acked）或已被更新答案覆盖（stale）的条目才从待发队列中移除。待发队列同时存入 localStorage，
 * 断网时刷新页面也不会丢失。答卷已交（409）时停止保存并转到成绩页。
 */
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) { return; }
  var attemptId = root.getAttribute("data-attempt");
  var saveUrl = root.getAttribute("data-save-url");
  var submitUrl = root.getAttribute("data-submit-url");
  var leaveUrl = root.getAttribute("data-leave-url");
  var resultUrl = root.getAttribute("data-result-url");
  var statusEl = document.getElementById("save-status");
  var clockEl = document.getElementById("exam-clock");
  var offlineEl = document.getElementById("offline-note");
  var form = document.getElementById("exam-form");
  var storeKey = "dangjian.exam." + attemptId;

  // 服务器时钟：以页面加载时服务器给出的剩余秒数和本机单调时钟推算，每次保存后按服务器校正。
  var deadlineAt = performance.now() + parseInt(root.getAttribute("data-remaining") || "0", 10) * 1000;
  var pending = {};      // question id → {question, response, seq}
  var nextSeq = 1;
  var inflight = false;
  var submitWanted = false;
  var finished = false;
  var retryTimer = null;
  var debounce = {};

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function load() {
    var cards = document.querySelectorAll("[data-question]");
    for (var i = 0; i < cards.length; i++) {
      nextSeq = Math.max(nextSeq, parseInt(cards[i].getAttribute("data-seq") || "0", 10) + 1);
    }
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      if (saved && saved.pending) {
        pending = saved.pending;
        nextSeq = Math.max(nextSeq, saved.nextSeq || 1);
        Object.keys(pending).forEach(function (q) { restore(pending[q]); });
      }
    } catch (e) { pending = {}; }
  }

  function persist() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({ pending: pending, nextSeq: nextSeq }));
    } catch (e) { /* 存储不可用：队列仍在内存中 */ }
  }

  function restore(item) {
    var card = document.querySelector('[data-question="' + item.question + '"]');
    if (!card) { return; }
    var kind = card.getAttribute("data-kind");
    if (kind === "blank" || kind === "short") {
      var field = card.querySelector("input[type=text], textarea");
      if (field) { field.value = item.response[0] || ""; }
      return;
    }
    var inputs = card.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) { inputs[i].checked = item.response.indexOf(inputs[i].value) >= 0; }
  }

  function responseOf(card) {
    var kind = card.getAttribute("data-kind");
    if (kind === "blank" || kind === "short") {
      var field = card.querySelector("input[type=text], textarea");
      return field && field.value.trim() ? [field.value] : [];
    }
    var out = [];
    var inputs = card.querySelectorAll("input:checked");
    for (var i = 0; i < inputs.length; i++) { out.push(inputs[i].value); }
    return out;
  }

  function count() { return Object.keys(pending).length; }

  function show(state, text) {
    statusEl.className = "badge " + ({ saved: "text-bg-success", saving: "text-bg-secondary", unsaved: "text-bg-warning", offline: "text-bg-danger" }[state] || "text-bg-secondary");
    statusEl.textContent = text;
    statusEl.setAttribute("data-state", state);
    offlineEl.classList.toggle("d-none", state !== "offline");
  }

  function showQueue(offline) {
    if (count() === 0) {
      var t = new Date();
      show("saved", "已保存 " + String(t.getHours()).padStart(2, "0") + ":" + String(t.getMinutes()).padStart(2, "0") + ":" + String(t.getSeconds()).padStart(2, "0"));
    } else if (offline) {
      show("offline", "网络断开，" + count() + " 题未保存");
    } else {
      show("unsaved", count() + " 题未保存");
    }
  }

  function record(card) {
    var q = card.getAttribute("data-question");
    pending[q] = { question: parseInt(q, 10), response: responseOf(card), seq: nextSeq++ };
    persist();
    showQueue(!navigator.onLine);
    flush();
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, 5000);
    }
  }

  function done() {
    finished = true;
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* 忽略 */ }
    window.location.assign(resultUrl);
  }

  function flush() {
    if (finished || inflight) { return; }
    if (submitWanted) { submit(); return; }
    var items = Object.keys(pending).map(function (q) { return pending[q]; });
    if (items.length === 0) { return; }
    inflight = true;
    show("saving", "正在保存…");
    post(saveUrl, { answers: items }).then(function (r) {
      if (r.status === 409) { done(); return null; }
      if (r.status === 429) {
        // 保存过于频繁：本次未被确认，答案留在队列中，按 Retry-After 稍后重发。
        inflight = false;
        show("unsaved", count() + " 题稍后保存");
        var wait = parseInt(r.headers.get("Retry-After") || "1", 10);
        if (retryTimer === null) {
          retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, Math.max(1, wait) * 1000);
        }
        return null;
      }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      inflight = false;
      if (!data) { return; }
      // 已确认（acked）与已被更新答案覆盖（stale）的条目都已在服务器上；只移除发送时的那一版。
      items.forEach(function (item) {
        var cur = pending[item.question];
        if (cur && cur.seq === item.seq) { delete pending[item.question]; }
      });
      persist();
      deadlineAt = performance.now() + data.remaining_seconds * 1000;
      showQueue(false);
      if (count() > 0) { flush(); }
    }).catch(function () {
      inflight = false;
      showQueue(true);
      scheduleRetry();
    });
  }

  function submit() {
    if (finished || inflight) { submitWanted = true; return; }
    submitWanted = true;
    inflight = true;
    var items = Object.keys(pending).map(function (q) { return pending[q]; });
    show("saving", "正在交卷…");
    post(submitUrl, { answers: items }).then(function (r) {
      inflight = false;
      if (r.ok || r.status === 409) { done(); return; }
      if (r.status >= 400 && r.status < 500) { form.submit(); return; }
      throw new Error("HTTP " + r.status);
    }).catch(function () {
      inflight = false;
      show("offline", "网络断开，恢复连接后自动交卷");
      offlineEl.classList.remove("d-none");
      scheduleRetry();
    });
  }

  function tick() {
    var left = Math.max(0, Math.round((deadlineAt - performance.now()) / 1000));
    var m = Math.floor(left / 60);
    var s = left % 60;
    clockEl.textContent = "剩余 " + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    clockEl.classList.toggle("text-bg-danger", left <= 60);
    if (left === 0 && !submitWanted && !finished) { submit(); }
  }

  form.addEventListener("change", function (e) {
    var card = e.target.closest("[data-question]");
    if (card) { record(card); }
  });
  form.addEventListener("input", function (e) {
    var card = e.target.closest("[data-question]");
    if (!card || (e.target.type === "radio" || e.target.type === "checkbox")) { return; }
    var q = card.getAttribute("data-question");
    window.clearTimeout(debounce[q]);
    debounce[q] = window.setTimeout(function () { record(card); }, 800);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var cards = document.querySelectorAll("[data-question]");
    var empty = 0;
    for (var i = 0; i < cards.length; i++) { if (responseOf(cards[i]).length === 0) { empty++; } }
    var text = empty ? "还有 " + empty + " 题未作答，确定交卷吗？" : "确定交卷吗？交卷后不能修改。";
    if (window.confirm(text)) { submit(); }
  });
  window.addEventListener("online", function () { showQueue(false); flush(); });
  window.addEventListener("offline", function () { showQueue(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !finished) {
      post(leaveUrl, {}, true).catch(function () { /* 断网时不计 */ });
      flush();
    }
  });
  window.addEventListener("beforeunload", function (e) {
    if (!finished && count() > 0) { e.preventDefault(); e.returnValue = ""; }
  });

  load();
  showQueue(!navigator.onLine);
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(flush, 30000);
  flush();
})();
