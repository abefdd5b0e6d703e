// On a page that embeds Concordo: fit each Concordo iframe to the height its content reports.
(function () {
  var origin = new URL(document.currentScript ? document.currentScript.src : location.href).origin;
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || !event.data || event.data.type !== 'concordo:height') return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) {
        var height = Math.max(100, Math.min(20000, Number(event.data.height) || 0));
        frames[i].setAttribute('height', String(height));
      }
    }
  });
})();
