// The check's only way to the SCIM endpoint: every request paced, timed out, counted against a budget,
// and its errors redacted. Cleanup has a small reserve of requests and time of its own, so that a run that
// used up its budget or its time can still delete what it created.
import { retryAfterMs } from "../../components/helpers/retryAfter";
import type { Redactor } from "./redact";

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RequestLimits {
    /** Per request. */
    timeoutMs: number;
    /** Requests for the checks themselves. */
    maxRequests: number;
    /** Extra requests only cleanup may use. */
    cleanupReserve: number;
    /** Total time for the checks, from the client's creation. */
    maxDurationMs: number;
    /** Extra time only cleanup may use. */
    cleanupGraceMs: number;
    /** Pace: at most this many requests per second (Auth0 allows 25/s per connection). */
    requestsPerSecond: number;
    /** Bounded retries of a 429, honouring Retry-After up to this many ms. */
    maxRetryAfterMs: number;
}

export const AUTH0_SCIM_RATE_LIMIT = 25;

export const DEFAULT_LIMITS: RequestLimits = {
    timeoutMs: 15_000,
    maxRequests: 80,
    cleanupReserve: 30,
    maxDurationMs: 180_000,
    cleanupGraceMs: 60_000,
    requestsPerSecond: 10,
    maxRetryAfterMs: 5_000,
};

export type Phase = "check" | "cleanup";

export type FailureKind = "timeout" | "network" | "budget" | "deadline";

/** A request that got no HTTP answer; the message is already redacted. */
export class ScimRequestError extends Error {
    constructor(
        readonly kind: FailureKind,
        message: string,
    ) {
        super(message);
        this.name = "ScimRequestError";
    }
}

/** What a run saw of a 429 it could not get past: the evidence that it was rate limiting, not the token. */
export interface RateLimitSeen {
    /** 429 answers in a row for this request, retries included. */
    attempts: number;
    /** The last Retry-After header, as sent; absent when the server sent none. */
    retryAfter?: string;
    /** Auth0's X-RateLimit-Reset (epoch seconds), when sent. */
    rateLimitReset?: string;
    /** Time spent waiting between the attempts. */
    waitedMs: number;
    /** Why the run stopped retrying: its attempts are spent, or the wait asked for is longer than it waits. */
    gaveUp: "attempts" | "wait-too-long";
    /** The longest wait this run accepts (RequestLimits.maxRetryAfterMs). */
    maxWaitMs: number;
}

export interface ScimResponse {
    status: number;
    contentType: string;
    /** Parsed JSON, or undefined when the body was empty or not JSON. */
    body: unknown;
    /** The body as text, redacted and cut to a few hundred characters, for evidence. */
    excerpt: string;
    /** Set on a final 429. */
    rateLimited?: RateLimitSeen;
}

type Answer = ScimResponse & { retryAfter?: string | null; rateLimitReset?: string | null };

export interface RequestLogEntry {
    phase: Phase;
    method: string;
    /** Path and query relative to the SCIM base URL; ids are not secret. */
    path: string;
    status?: number;
    error?: FailureKind;
    ms: number;
}

export interface RequestOptions {
    query?: Record<string, string>;
    body?: unknown;
    phase?: Phase;
    /** Sends this bearer token instead of the real one (the wrong-token probe). */
    tokenOverride?: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const EXCERPT = 300;

export function encodeQuery(query: Record<string, string> | undefined): string {
    if (!query) return "";
    const parts = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    return parts.length ? `?${parts.join("&")}` : "";
}

/** A request answered 429 this many times in a row is reported as rate limited. */
export const MAX_429_ATTEMPTS = 3;

function withRateLimit(res: Answer, seen: Omit<RateLimitSeen, "retryAfter" | "rateLimitReset">): ScimResponse {
    const { retryAfter, rateLimitReset, ...answer } = res;
    return {
        ...answer,
        rateLimited: {
            ...(retryAfter ? { retryAfter } : {}),
            ...(rateLimitReset ? { rateLimitReset } : {}),
            ...seen,
        },
    };
}

/** "rate limited: 3 answers HTTP 429 in a row, Retry-After 30 (longer than the 5 s this run waits)". */
export function describeRateLimit(r: RateLimitSeen): string {
    const header = r.retryAfter !== undefined ? `Retry-After ${r.retryAfter}` : r.rateLimitReset ? `X-RateLimit-Reset ${r.rateLimitReset}` : "no Retry-After";
    const why =
        r.gaveUp === "wait-too-long"
            ? ` (longer than the ${r.maxWaitMs / 1000} s this run waits)`
            : `; waited ${(r.waitedMs / 1000).toFixed(1)} s between attempts`;
    return `rate limited: ${r.attempts} answer(s) HTTP 429 in a row, ${header}${why}`;
}

export class ScimClient {
    readonly log: RequestLogEntry[] = [];
    private readonly started: number;
    private lastStart = -Infinity;
    private readonly fetchImpl: FetchLike;

    constructor(
        private readonly baseUrl: string,
        private readonly token: string,
        readonly limits: RequestLimits,
        private readonly redactor: Redactor,
        private readonly clock: Clock = realClock,
        fetchImpl?: FetchLike,
    ) {
        this.started = clock.now();
        this.fetchImpl = fetchImpl ?? ((input, init) => fetch(input, init));
        redactor.add(token);
    }

    get requestCount(): number {
        return this.log.length;
    }

    /** Whether the check phase may still send a request. */
    canSpend(n = 1): boolean {
        return this.log.length + n <= this.limits.maxRequests && this.clock.now() < this.started + this.limits.maxDurationMs;
    }

    async request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
        const phase = options.phase ?? "check";
        const relative = `${path}${encodeQuery(options.query)}`;
        let waitedMs = 0;
        for (let attempt = 1; ; attempt++) {
            const res = await this.once(method, relative, options, phase);
            if (res.status !== 429) return res;
            const wait = this.retryAfterMs(res);
            const gaveUp = attempt >= MAX_429_ATTEMPTS ? "attempts" : wait === undefined ? "wait-too-long" : undefined;
            if (gaveUp) return withRateLimit(res, { attempts: attempt, waitedMs, gaveUp, maxWaitMs: this.limits.maxRetryAfterMs });
            await this.clock.sleep(wait!);
            waitedMs += wait!;
        }
    }

    /** Retry-After (seconds or a date), else Auth0's X-RateLimit-Reset (epoch seconds), else 1 s; none past the cap. */
    private retryAfterMs(res: Answer): number | undefined {
        const now = this.clock.now();
        let ms = retryAfterMs(res.retryAfter ?? null, now);
        if (ms === undefined && res.rateLimitReset && /^\d+$/.test(res.rateLimitReset)) ms = Math.max(0, Number(res.rateLimitReset) * 1000 - now);
        ms ??= 1000;
        return ms <= this.limits.maxRetryAfterMs ? ms : undefined;
    }

    private checkBudget(phase: Phase, method: string, relative: string): void {
        const maxRequests = this.limits.maxRequests + (phase === "cleanup" ? this.limits.cleanupReserve : 0);
        const deadline = this.started + this.limits.maxDurationMs + (phase === "cleanup" ? this.limits.cleanupGraceMs : 0);
        if (this.log.length >= maxRequests) {
            throw new ScimRequestError("budget", `${method} ${relative}: not sent, the run's budget of ${maxRequests} requests is spent`);
        }
        if (this.clock.now() >= deadline) {
            throw new ScimRequestError(
                "deadline",
                `${method} ${relative}: not sent, the run's time limit of ${Math.round((deadline - this.started) / 1000)} s has passed`,
            );
        }
    }

    private async once(method: string, relative: string, options: RequestOptions, phase: Phase): Promise<Answer> {
        this.checkBudget(phase, method, relative);
        const interval = 1000 / Math.min(this.limits.requestsPerSecond, AUTH0_SCIM_RATE_LIMIT);
        const wait = this.lastStart + interval - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        this.lastStart = this.clock.now();

        const entry: RequestLogEntry = { phase, method, path: this.redactor.apply(relative), ms: 0 };
        this.log.push(entry);
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), this.limits.timeoutMs);
        const t0 = this.clock.now();
        try {
            const headers: Record<string, string> = {
                Authorization: `Bearer ${options.tokenOverride ?? this.token}`,
                Accept: "application/scim+json",
            };
            if (options.body !== undefined) headers["Content-Type"] = "application/scim+json; charset=utf-8";
            const res = await this.fetchImpl(`${this.baseUrl}${relative}`, {
                method,
                headers,
                body: options.body === undefined ? undefined : JSON.stringify(options.body),
                signal: controller.signal,
                redirect: "manual",
            });
            const text = await res.text();
            entry.status = res.status;
            let body: unknown;
            try {
                body = text ? JSON.parse(text) : undefined;
            } catch {
                body = undefined;
            }
            // Redacted before it is cut: a cut inside an echoed token would leave its prefix unmatched.
            const clean = this.redactor.apply(text);
            const excerpt = clean.length > EXCERPT ? `${clean.slice(0, EXCERPT)}…` : clean;
            return {
                status: res.status,
                contentType: res.headers.get("content-type") ?? "",
                body: body === undefined ? undefined : this.redactor.applyDeep(body),
                excerpt,
                retryAfter: res.headers.get("retry-after"),
                rateLimitReset: res.headers.get("x-ratelimit-reset"),
            };
        } catch (err) {
            if (controller.signal.aborted) {
                entry.error = "timeout";
                throw new ScimRequestError("timeout", `${method} ${entry.path}: no answer within ${this.limits.timeoutMs} ms`);
            }
            entry.error = "network";
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            const detail = cause?.code ?? cause?.message ?? (err as Error).message;
            throw new ScimRequestError("network", this.redactor.apply(`${method} ${entry.path}: ${detail}`));
        } finally {
            clearTimeout(timer);
            entry.ms = Math.round(this.clock.now() - t0);
        }
    }
}
