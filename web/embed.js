// grassflow in a lecture page. Load this script, then:
//   const g = grassflow.embed(element, {link: 'preset:he3', d: 1000, objective: 'planted', panels: 'cosines,landscape'});
//   g.set({objective: 'joint'});          // change the state (returns a Promise of the new snapshot)
//   g.get().then((s) => s.cosines);       // a Promise of {state, hash, t, loss, cosines, escape_times, ...}
//   g.on('escape', (e) => ...);           // each time a direction escapes the equator
// Each call creates its own iframe (embed=1: panels only, no chrome); several instances on one page are
// addressed separately (messages are matched to their iframe's window).
(function (global) {
  'use strict';
  const scriptSrc = document.currentScript ? document.currentScript.src : '';
  const base = scriptSrc ? scriptSrc.replace(/[^/]*$/, '') : './';
  function encodeState(state) {
    if (typeof state === 'string') return state.replace(/^#/, '');
    return Object.entries(state || {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  }
  let nextId = 1;
  function embed(element, state) {
    if (!(element instanceof Element)) throw new TypeError('grassflow.embed: the first argument must be a DOM element');
    const frame = document.createElement('iframe');
    frame.src = `${base}index.html?embed=1#${encodeState(state)}`;
    frame.style.cssText = 'width:100%;height:100%;border:0;display:block';
    frame.setAttribute('title', 'grassflow explorer');
    element.appendChild(frame);
    const pending = new Map();
    const listeners = {};
    window.addEventListener('message', (msg) => {
      if (msg.source !== frame.contentWindow || !msg.data || !msg.data.grassflow) return;
      const data = msg.data;
      if (data.grassflow === 'reply' && pending.has(data.id)) {
        pending.get(data.id)(data.snapshot);
        pending.delete(data.id);
      } else if (data.grassflow === 'event') {
        for (const fn of listeners[data.event.type] || []) fn(data.event);
      }
    });
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    function request(message) {
      return loaded.then(() => new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        frame.contentWindow.postMessage(Object.assign({ id }, message), '*');
      }));
    }
    return {
      frame,
      set: (s) => request({ grassflow: 'set', state: encodeState(s) }),
      get: () => request({ grassflow: 'get' }),
      on(type, fn) { (listeners[type] = listeners[type] || []).push(fn); return this; },
    };
  }
  global.grassflow = Object.assign(global.grassflow || {}, { embed });
})(window);
