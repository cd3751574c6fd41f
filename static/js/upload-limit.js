// Refuse a file over the size limit before sending it: every <input type="file" data-max-bytes="…">.
// The message (data-too-large, written by the server) goes beside the field; the server checks again.
(function () {
  var inputs = document.querySelectorAll('input[type=file][data-max-bytes]');
  function messageFor(input) {
    var box = input.parentNode.querySelector('[data-upload-error]');
    if (!box) {
      box = document.createElement('div');
      box.className = 'invalid-feedback d-block';
      box.setAttribute('data-upload-error', '');
      box.setAttribute('role', 'alert');
      input.insertAdjacentElement('afterend', box);
    }
    return box;
  }
  function tooLarge(input) {
    var max = parseInt(input.getAttribute('data-max-bytes'), 10);
    var files = input.files || [];
    for (var i = 0; i < files.length; i++) {
      if (max > 0 && files[i].size > max) return files[i];
    }
    return null;
  }
  function check(input) {
    var file = tooLarge(input);
    var box = messageFor(input);
    if (file) {
      box.textContent = '“' + file.name + '”: ' + input.getAttribute('data-too-large');
      input.classList.add('is-invalid');
      input.setAttribute('aria-invalid', 'true');
    } else {
      box.textContent = '';
      input.classList.remove('is-invalid');
      input.removeAttribute('aria-invalid');
    }
    return !file;
  }
  for (var i = 0; i < inputs.length; i++) {
    (function (input) {
      input.addEventListener('change', function () { check(input); });
      if (input.form) {
        input.form.addEventListener('submit', function (ev) {
          if (!check(input)) { ev.preventDefault(); ev.stopImmediatePropagation(); input.focus(); }
        }, true);
      }
    })(inputs[i]);
  }
})();
