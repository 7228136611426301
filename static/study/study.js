/* 学习专题：文章编辑工具栏（在文本框中插入安全的 HTML 标记，保存时服务器按白名单清理），
 * 以及上传音视频时由浏览器读出时长填入“时长”栏（发布人可修改）。 */
(function () {
  "use strict";

  function wrap(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var chosen = text.slice(start, end) || "文字";
    area.value = text.slice(0, start) + before + chosen + after + text.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }

  function list(area, tag) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var lines = (text.slice(start, end) || "第一项\n第二项").split(/\n/).filter(function (l) { return l.trim(); });
    var html = "<" + tag + ">\n" + lines.map(function (l) { return "  <li>" + l.trim() + "</li>"; }).join("\n") + "\n</" + tag + ">";
    area.value = text.slice(0, start) + html + text.slice(end);
    area.focus();
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-editor-toolbar] button");
    if (!button) { return; }
    var bar = button.closest("[data-editor-toolbar]");
    var area = document.getElementById(bar.getAttribute("data-editor-toolbar"));
    if (!area) { return; }
    var tag = button.getAttribute("data-wrap");
    if (tag) { wrap(area, "<" + tag + ">", "</" + tag + ">"); }
    var listTag = button.getAttribute("data-list");
    if (listTag) { list(area, listTag); }
  });

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  document.addEventListener("change", function (e) {
    var input = e.target.closest("input[type=file][data-media-duration]");
    if (!input || !input.files || !input.files[0]) { return; }
    var file = input.files[0];
    if (!/^(video|audio)\//.test(file.type)) { return; }
    var target = document.querySelector(input.getAttribute("data-media-duration"));
    var probe = document.createElement(file.type.indexOf("audio") === 0 ? "audio" : "video");
    var url = URL.createObjectURL(file);
    probe.preload = "metadata";
    probe.addEventListener("loadedmetadata", function () {
      var s = Math.round(probe.duration);
      if (target && isFinite(s) && s > 0) {
        var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
        target.value = h ? h + ":" + pad(m) + ":" + pad(sec) : m + ":" + pad(sec);
      }
      URL.revokeObjectURL(url);
    });
    probe.addEventListener("error", function () { URL.revokeObjectURL(url); });
    probe.src = url;
  });
})();
