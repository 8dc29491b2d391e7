// Progress on stderr for plans that take a while (a 1000-connection stack takes minutes): silent for quick plans,
// so stdout stays the plan alone and a terminal shows something is happening for slow ones.
// Driven by the registrations themselves, not by a timer: while the SDK works through its promise chains the event
// loop runs no timers for seconds at a time, so a timer would stay silent exactly when it is needed.

export interface ProgressOptions {
    /** Say nothing for plans quicker than this. */
    afterMs: number;
    /** Then at most one line this often. */
    everyMs: number;
    write: (line: string) => void;
    now?: () => number;
}

export interface Progress {
    /** Called at each registration with the count so far; writes a line when one is due. */
    tick(count: number): void;
    /** When progress was shown, ends with how long the plan took. */
    stop(count: number): void;
}

export function startProgress(o: ProgressOptions): Progress {
    const now = o.now ?? (() => Date.now());
    const start = now();
    let last: number | undefined;
    const seconds = () => ((now() - start) / 1000).toFixed(0);
    return {
        tick(count) {
            const t = now();
            if (t - start < o.afterMs || (last !== undefined && t - last < o.everyMs)) return;
            last = t;
            o.write(`plan: ${count} resources registered after ${seconds()} s...`);
        },
        stop(count) {
            if (last !== undefined) o.write(`plan: ${count} resources, done in ${seconds()} s.`);
        },
    };
}
