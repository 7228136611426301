// 监督工作看板: draws the charts from the JSON the page carries (#board-data); ECharts is vendored.
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("board-data");
    if (!data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    var colours = ["#dc3545", "#ffc107", "#0dcaf0", "#adb5bd"];
    var charts = [];
    var el = document.getElementById("chart-rules");
    if (el && d.rules.categories.length) {
      var c1 = echarts.init(el);
      c1.setOption({
        color: colours, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
        grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: d.rules.categories, axisLabel: { width: 110, overflow: "truncate" } },
        series: d.rules.series.map(function (s) { return { name: s.name, type: "bar", stack: "n", data: s.data }; })
      });
      charts.push(c1);
    } else if (el) { el.classList.add("d-none"); }
    el = document.getElementById("chart-tasks");
    if (el) {
      var c2 = echarts.init(el);
      c2.setOption({
        color: ["#0d6efd", "#dc3545", "#198754"], tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "65%"], data: d.tasks, label: { formatter: "{b} {c}" } }]
      });
      charts.push(c2);
    }
    el = document.getElementById("chart-children");
    if (el && d.children.categories.length) {
      var c3 = echarts.init(el);
      c3.setOption({
        color: ["#ffc107", "#dc3545"], tooltip: { trigger: "axis" }, legend: { bottom: 0 },
        grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: d.children.categories, axisLabel: { rotate: 30, width: 80, overflow: "truncate" } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "未消除预警", type: "bar", data: d.children.warnings },
                 { name: "逾期督办", type: "bar", data: d.children.overdue }]
      });
      charts.push(c3);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
