// 随手拍: fill the location field from the phone's position, only when the reporter taps the button.
document.addEventListener("click", function (e) {
  const btn = e.target.closest("[data-geolocate]");
  if (!btn || !navigator.geolocation) { return; }
  const field = document.querySelector(btn.getAttribute("data-geolocate"));
  navigator.geolocation.getCurrentPosition(function (pos) {
    field.value = pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5);
  }, function () { btn.textContent = "无法获取位置，请手动填写"; }, { timeout: 10000 });
});
