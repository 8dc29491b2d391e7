// Keeps calls within a rate such as provisionOnDemand's "5 requests per 10 seconds" (Microsoft's v1.0 page).
// Pulumi creates resources in parallel and one provider process serves them all, so the pacer is shared there.
// Each call reserves the earliest time that keeps at most `limit` sends in any `windowMs`, in arrival order,
// then waits until that time.

import { setTimeout as sleep } from "node:timers/promises";

const realSleep = (ms: number): Promise<void> => sleep(ms);

export class RequestPacer {
    private readonly sends: number[] = [];

    constructor(
        readonly limit: number,
        readonly windowMs: number,
        private readonly now: () => number = Date.now,
        private readonly sleep: (ms: number) => Promise<void> = realSleep,
    ) {}

    /** The send time given to the next caller at `now`; recorded, so later callers queue behind it. */
    reserve(now: number): number {
        while (this.sends.length > 0 && this.sends[0] <= now - this.windowMs) this.sends.shift();
        let at = now;
        if (this.sends.length >= this.limit) at = Math.max(at, this.sends[this.sends.length - this.limit] + this.windowMs);
        at = Math.max(at, this.sends[this.sends.length - 1] ?? at);
        this.sends.push(at);
        return at;
    }

    /** Waits for this caller's turn; returns the reserved send time. */
    async acquire(): Promise<number> {
        const at = this.reserve(this.now());
        const wait = at - this.now();
        if (wait > 0) await this.sleep(wait);
        return at;
    }
}
