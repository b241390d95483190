// Print buttons: an element marked data-print prints the page. A served script instead of an
// inline onclick, so the Content-Security-Policy needs no 'unsafe-inline'.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-print]");
  if (!trigger) {
    return;
  }
  event.preventDefault();
  window.print();
});
