// Embedding API for lecture pages (grown by the explorer issue): grassflow.embed(element, state) creates an
// iframe running the app with the given URL state.
(function (global) {
  'use strict';
  const scriptSrc = document.currentScript ? document.currentScript.src : '';
  const base = scriptSrc ? scriptSrc.replace(/[^/]*$/, '') : './';
  function encodeState(state) {
    return Object.entries(state || {}).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
  }
  function embed(element, state) {
    const frame = document.createElement('iframe');
    frame.src = `${base}index.html#embed=1&${encodeState(state)}`;
    frame.style.cssText = 'width:100%;height:100%;border:0';
    element.appendChild(frame);
    return { frame };
  }
  global.grassflow = Object.assign(global.grassflow || {}, { embed });
})(window);
