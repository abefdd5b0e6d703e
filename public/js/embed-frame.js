// Inside a Concordo embed: tell the page around the iframe how tall the content is.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'concordo:height', height: height, href: location.href }, '*');
  }
  window.addEventListener('load', report);
  if ('ResizeObserver' in window) new ResizeObserver(report).observe(document.documentElement);
  else window.addEventListener('resize', report);
})();
