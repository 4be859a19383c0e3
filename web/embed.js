// grassflow in a lecture page. Load this script, then:
//   const g = grassflow.embed(element, {link: 'preset:he3', d: 1000, objective: 'planted', panels: 'cosines,landscape'});
//   g.set({objective: 'joint'});          // change the state (a Promise of the new snapshot; rejected with a
//                                         // TypeError unless the state is an object or a hash string)
//   g.get().then((s) => s.cosines);       // a Promise of {state, hash, t, loss, cosines, escape_times, ...}
//   g.reset(); g.play(); g.pause();       // the player, each a Promise of the snapshot (reset: the one at t = 0)
//   g.step(10);                           // pauses and moves simulated time by exactly 10
//   g.on('escape', (e) => ...);           // events: 'escape' (a direction escaped the equator), 'paused'
//                                         // ({reason: 'escape'|'pause'|'converged'|..., t}), 'ready',
//                                         // 'error' ({message});
//                                         // other names throw
// Every call rejects with an Error, and 'error' is emitted, when the figure cannot run (no WebGL2, its
// WebAssembly module missing, the app stopped, or its page not answering within 10 s of loading). Each call
// creates its own iframe (embed=1: panels only, no chrome); several instances on one page are addressed
// separately (messages are matched to their iframe's window). The options are the explorer's URL keys
// (web/README.md), e.g. theme: 'light', 'pause-at': 'escape', 't-range': '0.01,1e4'.
(function (global) {
  'use strict';
  const scriptSrc = document.currentScript ? document.currentScript.src : '';
  const base = scriptSrc ? scriptSrc.replace(/[^/]*$/, '') : './';
  const EVENTS = ['escape', 'paused', 'ready', 'error'];  // web/index.html
  const ANSWER_SECONDS = 10;  // a page that has loaded but not answered by then is reported as failed
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
    const pending = new Map();  // id -> {resolve, reject}
    const listeners = {};
    let failure = null;
    let markReady;
    const ready = new Promise((resolve) => { markReady = resolve; });
    const emit = (event) => { for (const fn of listeners[event.type] || []) { try { fn(event); } catch (e) { console.warn(e); } } };
    function fail(message) {
      if (failure) return;
      failure = new Error(message);
      for (const { reject } of pending.values()) reject(failure);
      pending.clear();
      markReady();
      emit({ type: 'error', message });
    }
    window.addEventListener('message', (msg) => {
      if (msg.source !== frame.contentWindow || !msg.data || !msg.data.grassflow) return;
      const data = msg.data;
      if (data.grassflow === 'reply' && pending.has(data.id)) {
        const { resolve, reject } = pending.get(data.id);
        pending.delete(data.id);
        if (data.error) reject(new Error(data.error));
        else resolve(data.snapshot);
      } else if (data.grassflow === 'event') {
        if (data.event.type === 'ready') markReady();
        if (data.event.type === 'error') fail(data.event.message);
        else emit(data.event);
      }
    });
    let readyNow = false;
    ready.then(() => { readyNow = true; });
    frame.addEventListener('load', () => setTimeout(() => {
      if (!failure && !readyNow) fail(`grassflow: the figure's page (${frame.src.replace(/#.*$/, '')}) did not answer within ${ANSWER_SECONDS} s`);
    }, ANSWER_SECONDS * 1000), { once: true });
    element.appendChild(frame);
    function request(message) {
      if (failure) return Promise.reject(failure);
      return ready.then(() => new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = nextId++;
        pending.set(id, { resolve, reject });
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
      reset: () => request({ grassflow: 'reset' }),
      play: () => request({ grassflow: 'play' }),
      pause: () => request({ grassflow: 'pause' }),
      step(dt) {
        if (typeof dt !== 'number' || !Number.isFinite(dt) || dt < 0)
          return Promise.reject(new TypeError(`step(dt): dt must be a simulated time >= 0 such as 10, not ${String(dt)}`));
        return request({ grassflow: 'step', dt });
      },
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
