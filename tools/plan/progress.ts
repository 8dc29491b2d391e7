// Progress on stderr for plans that take a while (a 1000-connection stack takes minutes): silent for quick plans,
// so stdout stays the plan alone and a terminal shows something is happening for slow ones.

export interface ProgressOptions {
    /** Say nothing for plans quicker than this. */
    afterMs: number;
    /** Then one line this often. */
    everyMs: number;
    /** Resources registered so far. */
    count: () => number;
    write: (line: string) => void;
    now?: () => number;
}

export interface Progress {
    /** Stops the timer; when progress was shown, ends with how long the plan took. */
    stop(): void;
}

export function startProgress(o: ProgressOptions): Progress {
    const now = o.now ?? (() => Date.now());
    const start = now();
    let shown = false;
    let interval: NodeJS.Timeout | undefined;
    const seconds = () => ((now() - start) / 1000).toFixed(0);
    const tick = () => {
        shown = true;
        o.write(`plan: ${o.count()} resources registered after ${seconds()} s...`);
    };
    // Unreferenced: the timers never keep the process alive on their own.
    const first = setTimeout(() => {
        tick();
        interval = setInterval(tick, o.everyMs);
        interval.unref();
    }, o.afterMs);
    first.unref();
    return {
        stop() {
            clearTimeout(first);
            if (interval) clearInterval(interval);
            if (shown) o.write(`plan: ${o.count()} resources, done in ${seconds()} s.`);
        },
    };
}
