/**
 * Guest-side JavaScript, part of the prelude (prelude.ts): setTimeout, setInterval, their clear functions and
 * queueMicrotask, as Deno and the web have them. The host waits (`host("timer.start", id, ms)` answers a promise
 * settled when the time is up or the timer is cancelled) and the callback runs here, as a promise job. A call
 * waits for its timers only while its own promise is unsettled, and never past its wall-clock limit; the timers
 * of a call that has ended are cancelled.
 *
 * Defines `resetTimers()` for the run helper. Like the prelude, it avoids template literals.
 */
export const TIMERS_SOURCE = /* js */ `
  // ---- timers ---------------------------------------------------------------------------------------------
  let nextTimerId = 1;
  const timers = new Map();
  const reportUncaught = (error) =>
    host("log", "error", "Uncaught (in a timer callback) " + (error instanceof Error ? error.name + ": " + error.message : String(error)));
  function armTimer(id, timer) {
    host("timer.start", id, timer.delay).then(() => {
      if (timers.get(id) !== timer) return;
      if (timer.repeat) armTimer(id, timer);
      else timers.delete(id);
      try {
        timer.callback(...timer.args);
      } catch (error) {
        reportUncaught(error);
      }
    });
  }
  function startTimer(callback, delay, args, repeat) {
    if (typeof callback !== "function") throw new TypeError("the timer callback must be a function");
    const ms = Number(delay) > 0 ? Number(delay) : 0;
    const id = nextTimerId++;
    const timer = { callback, args, repeat, delay: repeat ? Math.max(1, ms) : ms };
    timers.set(id, timer);
    armTimer(id, timer);
    return id;
  }
  function clearTimer(id) {
    if (timers.delete(id)) host("timer.cancel", id);
  }
  defineGlobal("setTimeout", (callback, delay, ...args) => startTimer(callback, delay, args, false));
  defineGlobal("setInterval", (callback, delay, ...args) => startTimer(callback, delay, args, true));
  defineGlobal("clearTimeout", (id) => clearTimer(id));
  defineGlobal("clearInterval", (id) => clearTimer(id));
  defineGlobal("queueMicrotask", (callback) => {
    if (typeof callback !== "function") throw new TypeError("queueMicrotask needs a function");
    Promise.resolve().then(() => {
      try {
        callback();
      } catch (error) {
        reportUncaught(error);
      }
    });
  });
  // The host cancelled the previous call's timers when it ended; their records go too.
  const resetTimers = () => timers.clear();
`;
