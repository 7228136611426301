// 组织生活: copy the calendar subscription address ([data-copy-target] = selector of the input to copy).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copyTarget);
  if (!input) return;
  const done = () => {
    const label = button.dataset.copiedLabel || "已复制";
    button.textContent = label;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => { input.select(); });
  } else {
    input.select();
    if (document.execCommand("copy")) done();
  }
});
