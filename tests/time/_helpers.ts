import { type Clock, systemClock } from "@weir/weir/time";

/** An AbortController whose signal counts its live "abort" listeners. */
export function trackedAbort(): { controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  const live = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.add(listener);
    add(type, listener as EventListener, options as AddEventListenerOptions);
  };
  signal.removeEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.delete(listener);
    remove(type, listener as EventListener, options as EventListenerOptions);
  };
  // `once` listeners drop themselves when the signal aborts
  add("abort", () => live.clear());
  return { controller, listeners: () => live.size };
}

/** `systemClock` with a count of its armed real timers. */
export function trackedSystemClock(): { clock: Clock; armed: () => number } {
  let armed = 0;
  const clock: Clock = {
    now: () => systemClock.now(),
    setTimer(callback, ms) {
      armed++;
      let live = true;
      const disarm = () => {
        if (live) armed--;
        live = false;
      };
      const cancel = systemClock.setTimer(() => {
        disarm();
        callback();
      }, ms);
      return () => {
        disarm();
        cancel();
      };
    },
  };
  return { clock, armed: () => armed };
}
