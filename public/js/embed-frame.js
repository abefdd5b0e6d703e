// Inside a Concordo embed: tell the page around the iframe how tall the content is, and nothing else.
// Any page may frame an embed and read this message: the frame's address (a quiz's results carry the
// voter's answers in `a=`) or anything else from the page never goes in it.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'concordo:height', height: height }, '*');
  }
  window.addEventListener('load', report);
  if ('ResizeObserver' in window) new ResizeObserver(report).observe(document.documentElement);
  else window.addEventListener('resize', report);
})();
