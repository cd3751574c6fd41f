// Sizes computed on the server travel as data attributes (the Content-Security-Policy forbids inline
// style attributes); set through the DOM, they are allowed: data-width="42.5" is a width of 42.5 %,
// data-indent="2" a left padding of 2 rem (a task's depth in its tree).
(function () {
  function apply(root) {
    root.querySelectorAll('[data-width]').forEach(function (el) {
      var v = parseFloat(el.getAttribute('data-width'));
      if (isFinite(v)) el.style.width = v + '%';
    });
    root.querySelectorAll('[data-indent]').forEach(function (el) {
      var v = parseFloat(el.getAttribute('data-indent'));
      if (isFinite(v)) el.style.paddingLeft = v + 'rem';
    });
    // A read-only address to copy (the calendar feed): focusing it selects it (no inline onfocus=).
    root.querySelectorAll('[data-select-on-focus]').forEach(function (el) {
      el.addEventListener('focus', function () { el.select(); });
    });
    foldFilters(root);
  }
  // A filter form inside <details class="filter-fold"> is folded on a phone and open from 768 px up
  // (where app.css hides its summary). Without script the form simply stays open.
  var wide = window.matchMedia('(min-width: 768px)');
  function foldFilters(root) {
    root.querySelectorAll('details.filter-fold').forEach(function (el) {
      el.open = wide.matches;
    });
  }
  wide.addEventListener('change', function () { foldFilters(document); });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { apply(document); });
  } else {
    apply(document);
  }
})();
