// grassflow in a lecture page. Load this script, then:
//   const g = grassflow.embed(element, {link: 'preset:he3', d: 1000, objective: 'planted', panels: 'cosines,landscape'});
//   g.set({objective: 'joint'});          // change the state (a Promise of the new snapshot; rejected with a
//                                         // TypeError unless the state is an object or a hash string)
//   g.get().then((s) => s.cosines);       // a Promise of {state, hash, t, loss, cosines, escape_times, ...}
//   g.on('escape', (e) => ...);           // each time a direction escapes the equator (other names throw)
// Each call creates its own iframe (embed=1: panels only, no chrome); several instances on one page are
// addressed separately (messages are matched to their iframe's window).
(function (global) {
  'use strict';
  const scriptSrc = document.currentScript ? document.currentScript.src : '';
  const base = scriptSrc ? scriptSrc.replace(/[^/]*$/, '') : './';
  const EVENTS = ['escape'];  // what the app emits (app/simulation.cpp)
  // A state is an object of URL keys or a hash string (embed's own argument may be omitted: the defaults).
  function encodeState(state, who) {
    if (typeof state === 'string') return state.replace(/^#/, '');
    if (state === undefined && who === 'grassflow.embed') return '';
    if (state === null || typeof state !== 'object' || Array.isArray(state))
      throw new TypeError(`${who}: the state must be an object such as {d: 1000, objective: 'planted'} or a hash ` +
                          `string such as 'd=1000&objective=planted', not ${Array.isArray(state) ? 'an array' : String(state)}`);
    return Object.entries(state).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  }
  let nextId = 1;
  function embed(element, state) {
    if (!(element instanceof Element)) throw new TypeError('grassflow.embed: the first argument must be a DOM element');
    const frame = document.createElement('iframe');
    frame.src = `${base}index.html?embed=1#${encodeState(state, 'grassflow.embed')}`;
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
      set(s) {
        try {
          return request({ grassflow: 'set', state: encodeState(s, 'set') });
        } catch (e) {
          return Promise.reject(e);
        }
      },
      get: () => request({ grassflow: 'get' }),
      on(type, fn) {
        if (!EVENTS.includes(type)) throw new TypeError(`on: unknown event '${type}'; the events are ${EVENTS.join(', ')}`);
        if (typeof fn !== 'function') throw new TypeError(`on('${type}', fn): fn must be a function`);
        (listeners[type] = listeners[type] || []).push(fn);
        return this;
      },
    };
  }
  global.grassflow = Object.assign(global.grassflow || {}, { embed });
})(window);
