// The upload form of /imports/ with a progress bar (was inline; the Content-Security-Policy allows no inline script).
(function () {
  var form = document.getElementById('import-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var box = document.getElementById('import-progress'), bar = box.firstElementChild, status = document.getElementById('import-status');
    box.classList.remove('d-none'); status.classList.remove('d-none'); status.textContent = 'Đang tải tệp lên…';
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action || window.location.href);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { var p = Math.round(e.loaded * 100 / e.total); bar.style.width = p + '%'; box.setAttribute('aria-valuenow', p); }
    };
    xhr.upload.onload = function () { bar.style.width = '100%'; status.textContent = 'Đang đọc văn bản, vui lòng chờ…'; };
    xhr.onload = function () {
      if (xhr.responseURL && xhr.responseURL.indexOf('/imports/') > -1 && xhr.status === 200 && !/\/imports\/?$/.test(xhr.responseURL)) {
        window.location.href = xhr.responseURL; return;
      }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { status.textContent = 'Không gửi được tệp; vui lòng thử lại.'; };
    xhr.send(new FormData(form));
  });
})();
