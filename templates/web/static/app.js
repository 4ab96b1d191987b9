// casekit serve: drag and drop uploads with a progress bar, and boxes that open their bubble.
(function () {
  "use strict";
  const csrf = () => document.body.dataset.csrf;

  function upload(form, files) {
    const bar = document.getElementById("upload-bar");
    const result = document.getElementById("upload-result");
    const data = new FormData();
    for (const f of files) {
      data.append("mtime", String(f.lastModified));  // the file's own time, kept as casekit add keeps it
      data.append("files", f, f.name);
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    bar.hidden = false; bar.value = 0;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = () => {
      bar.value = 100;
      result.innerHTML = xhr.responseText;
      if (window.htmx) window.htmx.process(result);
      form.reset();
    };
    xhr.onerror = () => { result.innerHTML = '<p class="alert" role="alert">✗ 上传失败 / upload failed</p>'; };
    xhr.send(data);
  }

  function setup() {
    const form = document.getElementById("upload-form");
    if (form) {
      const input = document.getElementById("files");
      form.addEventListener("submit", (e) => { e.preventDefault(); if (input.files.length) upload(form, input.files); });
      ["dragenter", "dragover"].forEach((t) => form.addEventListener(t, (e) => { e.preventDefault(); form.classList.add("over"); }));
      ["dragleave", "drop"].forEach((t) => form.addEventListener(t, (e) => { e.preventDefault(); form.classList.remove("over"); }));
      form.addEventListener("drop", (e) => { if (e.dataTransfer.files.length) upload(form, e.dataTransfer.files); });
    }
    // A box on the screenshot opens the bubble it was read from and puts the cursor in it.
    document.querySelectorAll("[data-open]").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault();
      open(a.dataset.open);
    }));
    if (location.hash.length > 1) {
      // back from saving a correction: the record closed, focus on it (not its form again)
      // (after "load": Chromium's own scroll to the #fragment would take the focus back to the page)
      if (new URLSearchParams(location.search).get("saved")) window.addEventListener("load", () => setTimeout(() => settle(location.hash.slice(1)), 0));
      else open(location.hash.slice(1));
    }
  }

  function settle(id) {
    const d = document.getElementById(id);
    if (!d || d.tagName !== "DETAILS") return;
    d.scrollIntoView({ block: "center" });
    d.querySelector("summary").focus();
  }

  function open(id) {
    const d = document.getElementById(id);
    if (!d || d.tagName !== "DETAILS") return;
    d.open = true;
    d.scrollIntoView({ block: "center" });
    const field = d.querySelector("textarea, input:not([type=hidden])");
    if (field) field.focus();
    document.querySelectorAll("rect.box.active").forEach((r) => r.classList.remove("active"));
    const box = document.querySelector(`[data-open="${id}"] rect`);
    if (box) box.classList.add("active");
  }

  document.addEventListener("DOMContentLoaded", setup);
})();
