// Searchable multi-selects (Tom Select, static/vendor/tom-select/): every <select multiple data-multiselect>.
// Without JavaScript the plain <select multiple> stays and works (Ctrl-click); nothing here is required.
(function () {
  if (typeof window.TomSelect !== 'function') return;
  var selects = document.querySelectorAll('select[multiple][data-multiselect]');
  for (var i = 0; i < selects.length; i++) {
    var el = selects[i];
    if (el.tomselect) continue;
    new window.TomSelect(el, {
      plugins: ['remove_button'],
      maxOptions: null,
      hidePlaceholder: true,
      placeholder: el.getAttribute('data-placeholder') || 'Gõ để tìm đơn vị…',
      render: {
        no_results: function () { return '<div class="no-results">Không tìm thấy đơn vị nào.</div>'; }
      }
    });
  }
})();
