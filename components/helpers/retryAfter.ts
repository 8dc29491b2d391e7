// The Retry-After header (RFC 9110, section 10.2.3): a number of seconds or an HTTP date. Graph sends it on 429 and
// 503; Auth0 sends X-RateLimit-Reset first (clients/auth0Management.ts) and may add Retry-After.

/** Delay a Retry-After header asks for, in ms (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
    if (header === null || header === undefined || header.trim() === "") return undefined;
    const s = header.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
    const at = Date.parse(s);
    if (Number.isNaN(at)) return undefined;
    return Math.max(0, at - now);
}
