// The console's only script, served from /static (the CSP allows no inline code).
"use strict";

// <button data-copy="ID">: copy the text of element #ID to the clipboard.
async function copyText(button) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = source.textContent;
  let done = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      done = true;
    } catch (_) {
      done = false;
    }
  }
  if (!done) {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    done = document.execCommand("copy");
  }
  const status = button.parentElement.querySelector(".copied");
  if (status) status.textContent = done ? "Copied" : "Select the text and copy it";
}

// <form data-confirm="question">: ask before sending.
function confirmSubmit(event) {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
}

// <select data-autosubmit>: apply a filter as soon as it changes.
function autoSubmit(event) {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.addEventListener("click", () => copyText(button));
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", confirmSubmit);
  });
  document.addEventListener("change", autoSubmit);
});
