// SCIM token lifecycle decisions: lifetime, rotation date, and whether a token is due.
// Pure: every date comes in as an argument (the provider passes its clock), so tests pin "now".

export const DAY_MS = 86_400_000;
/** The Management API rejects `token_lifetime` of 900 seconds or less. */
export const MIN_TOKEN_LIFETIME_SECONDS = 900;
/** Without tokenRotationDays, an expiring token is rotated after this share of its lifetime. */
export const DEFAULT_ROTATION_SHARE = 0.75;

export interface TokenSchedule {
    /** Days until the token expires; undefined = never expires. */
    tokenLifetimeDays?: number;
    /** Days after creation to rotate; undefined = 3/4 of the lifetime, or never for a non-expiring token. */
    tokenRotationDays?: number;
}

/** A token as far as rotation cares: ISO-8601 instants. */
export interface TokenDates {
    createdAt: string;
    /** Undefined or null: the token never expires. */
    validUntil?: string | null;
    /** Undefined or null: the token is never rotated. */
    rotateAfter?: string | null;
}

export interface RotationDecision {
    due: boolean;
    /** Why it is due, in words a preview reader understands; undefined when not due. */
    reason?: string;
}

function isWholeDays(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n) && n >= 1;
}

/** Problems with a schedule (the same rules as components/config/scim.ts, repeated here because the provider gets raw inputs). */
export function scheduleProblems(s: TokenSchedule): string[] {
    const problems: string[] = [];
    if (s.tokenLifetimeDays !== undefined && !isWholeDays(s.tokenLifetimeDays)) {
        problems.push(`tokenLifetimeDays must be a whole number of days, at least 1; got ${String(s.tokenLifetimeDays)}.`);
    }
    if (s.tokenRotationDays !== undefined && !isWholeDays(s.tokenRotationDays)) {
        problems.push(`tokenRotationDays must be a whole number of days, at least 1; got ${String(s.tokenRotationDays)}.`);
    }
    if (isWholeDays(s.tokenLifetimeDays) && isWholeDays(s.tokenRotationDays) && s.tokenRotationDays >= s.tokenLifetimeDays) {
        problems.push(
            `tokenRotationDays (${s.tokenRotationDays}) must be shorter than tokenLifetimeDays (${s.tokenLifetimeDays}), or Entra would hold an expired token before the rotation.`,
        );
    }
    return problems;
}

/** `token_lifetime` for the Management API, in seconds; undefined asks for a token that never expires. */
export function tokenLifetimeSeconds(tokenLifetimeDays: number | undefined): number | undefined {
    if (tokenLifetimeDays === undefined) return undefined;
    if (!isWholeDays(tokenLifetimeDays))
        throw new RangeError(`tokenLifetimeDays must be a whole number of days, at least 1; got ${String(tokenLifetimeDays)}.`);
    const seconds = tokenLifetimeDays * (DAY_MS / 1000);
    if (seconds <= MIN_TOKEN_LIFETIME_SECONDS)
        throw new RangeError(`token_lifetime must be greater than ${MIN_TOKEN_LIFETIME_SECONDS} seconds; got ${seconds}.`);
    return seconds;
}

/** How long after creation the token is rotated, in ms; undefined = never. */
export function rotationPeriodMs(s: TokenSchedule): number | undefined {
    if (s.tokenRotationDays !== undefined) return s.tokenRotationDays * DAY_MS;
    if (s.tokenLifetimeDays !== undefined) return Math.floor(s.tokenLifetimeDays * DAY_MS * DEFAULT_ROTATION_SHARE);
    return undefined;
}

function instant(value: string | Date, what: string): number {
    const ms = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(ms)) throw new RangeError(`${what} is not a date: ${String(value)}`);
    return ms;
}

/** When a token created at `createdAt` expires; undefined for a non-expiring token. */
export function validUntilFor(createdAt: string | Date, tokenLifetimeDays: number | undefined): string | undefined {
    if (tokenLifetimeDays === undefined) return undefined;
    return new Date(instant(createdAt, "createdAt") + tokenLifetimeDays * DAY_MS).toISOString();
}

/** rotateAfter = createdAt + the rotation period; undefined when the token is never rotated. */
export function rotateAfterFor(createdAt: string | Date, s: TokenSchedule): string | undefined {
    const period = rotationPeriodMs(s);
    if (period === undefined) return undefined;
    return new Date(instant(createdAt, "createdAt") + period).toISOString();
}

/** Due at and after rotateAfter, and at and after validUntil (an expired token is useless either way). */
export function needsRotation(now: Date, token: Pick<TokenDates, "validUntil" | "rotateAfter">): RotationDecision {
    const t = now.getTime();
    if (token.validUntil && t >= instant(token.validUntil, "validUntil")) {
        return { due: true, reason: `the token expired at ${token.validUntil}` };
    }
    if (token.rotateAfter && t >= instant(token.rotateAfter, "rotateAfter")) {
        return { due: true, reason: `rotateAfter ${token.rotateAfter} has passed` };
    }
    return { due: false };
}

export interface RotationPlan {
    /** The rotation date to record; undefined = never rotate. */
    rotateAfter?: string;
    /** True when the current token must be replaced now because its rotation date has passed. */
    due: boolean;
    reason?: string;
}

/**
 * The rotation date for the token the next deployment will hold.
 * `previous` is what the last deployment recorded (its rotateAfter and schedule); pass undefined when a new
 * token will be created anyway (first deployment, or a change of connection, scopes or lifetime).
 * Keeps the recorded date while it is in the future, moves it when the schedule changes (counting from the
 * same creation), and starts a new period from `now` when the date has passed (the token is then replaced).
 */
export function planRotation(now: Date, next: TokenSchedule, previous?: { rotateAfter?: string | null } & TokenSchedule): RotationPlan {
    const period = rotationPeriodMs(next);
    if (period === undefined) return { due: false };
    const fresh = new Date(now.getTime() + period).toISOString();
    if (!previous?.rotateAfter) return { rotateAfter: fresh, due: false };
    const previousPeriod = rotationPeriodMs(previous);
    // The creation instant the previous date was counted from; unknown when the old token had no schedule.
    const base = previousPeriod === undefined ? undefined : instant(previous.rotateAfter, "rotateAfter") - previousPeriod;
    const planned = base === undefined ? fresh : new Date(base + period).toISOString();
    const decision = needsRotation(now, { rotateAfter: planned });
    if (decision.due) return { rotateAfter: fresh, due: true, reason: decision.reason };
    return { rotateAfter: planned, due: false };
}

export type RotationChange = "none" | "reschedule" | "rotate";

/**
 * What a change of the recorded rotation date means, from the two records alone (no clock): the same date is
 * no change; a date counted from the same creation instant is a new schedule for the same token; a date
 * counted from a later instant is a rotation that planRotation started (the token must be replaced).
 */
export function classifyRotationChange(
    previous: { rotateAfter?: string | null } & TokenSchedule,
    next: { rotateAfter?: string | null } & TokenSchedule,
): RotationChange {
    const before = previous.rotateAfter ?? undefined;
    const after = next.rotateAfter ?? undefined;
    if (before === after) return "none";
    const previousPeriod = rotationPeriodMs(previous);
    const nextPeriod = rotationPeriodMs(next);
    if (before === undefined || after === undefined || previousPeriod === undefined || nextPeriod === undefined) return "reschedule";
    const previousBase = instant(before, "rotateAfter") - previousPeriod;
    const nextBase = instant(after, "rotateAfter") - nextPeriod;
    return nextBase === previousBase ? "reschedule" : "rotate";
}

/** The longest gap between two scheduled `pulumi up` runs that still rotates before expiry, in days. */
export function maxRunIntervalDays(s: TokenSchedule): number | undefined {
    const period = rotationPeriodMs(s);
    if (s.tokenLifetimeDays === undefined || period === undefined) return undefined;
    return (s.tokenLifetimeDays * DAY_MS - period) / DAY_MS;
}

function days(ms: number): string {
    const d = ms / DAY_MS;
    return Number.isInteger(d) ? `${d}` : d.toFixed(1);
}

/** Warnings for the offline plan (and the README): valid schedules that still deserve a reader's attention. */
export function tokenLifecycleWarnings(connectionName: string, s: TokenSchedule, options: { auth0Only?: boolean } = {}): string[] {
    const warnings: string[] = [];
    const rotation = rotationPeriodMs(s);
    if (options.auth0Only && rotation !== undefined) {
        // No Entra app of the stack's holds this token: the IdP's admin pasted it, and the rotation deletes it.
        warnings.push(
            `connections ${connectionName}: Auth0-only connection: the first \`pulumi up\` after day ${days(rotation)} creates a new SCIM token and deletes the one ` +
                `the IdP's admin pasted, so their provisioning fails until they paste the new one (the scimToken output: ` +
                `\`pulumi stack output connections --show-secrets\`). Agree the date with them, or leave scim.tokenLifetimeDays and scim.tokenRotationDays unset here.`,
        );
    }
    if (s.tokenLifetimeDays === undefined) {
        warnings.push(
            `connections ${connectionName}: the SCIM token never expires (no scim.tokenLifetimeDays). A leaked token stays valid until someone deletes it; ` +
                `set scim.tokenLifetimeDays (e.g. 180) and scim.tokenRotationDays (e.g. 120), and run \`pulumi up\` on a schedule.`,
        );
        if (s.tokenRotationDays !== undefined) {
            warnings.push(
                `connections ${connectionName}: the SCIM token is rotated ${s.tokenRotationDays} days after creation, but only when \`pulumi up\` runs.`,
            );
        }
        return warnings;
    }
    const period = rotationPeriodMs(s)!;
    const window = maxRunIntervalDays(s)!;
    if (s.tokenRotationDays === undefined) {
        warnings.push(
            `connections ${connectionName}: no scim.tokenRotationDays: the SCIM token (valid ${s.tokenLifetimeDays} days) is rotated ${days(period)} days after creation ` +
                `(3/4 of its lifetime). Set scim.tokenRotationDays to choose.`,
        );
    }
    warnings.push(
        `connections ${connectionName}: the SCIM token expires ${s.tokenLifetimeDays} days after creation and is rotated by the first \`pulumi up\` after day ${days(period)}: ` +
            `run \`pulumi up\` at least every ${days(window * DAY_MS)} days (a scheduled pipeline), or Entra holds an expired token and provisioning stops.`,
    );
    return warnings;
}

/** The schedule in `s`, without the keys that are unset or null (state and outputs carry null for "never"). */
export function scheduleOf(s: { tokenLifetimeDays?: number | null; tokenRotationDays?: number | null }): TokenSchedule {
    return {
        ...(typeof s.tokenLifetimeDays === "number" ? { tokenLifetimeDays: s.tokenLifetimeDays } : {}),
        ...(typeof s.tokenRotationDays === "number" ? { tokenRotationDays: s.tokenRotationDays } : {}),
    };
}

/**
 * When the token is rotated under the `next` schedule, from what the provider recorded (its rotateAfter, null for
 * "never", the schedule that date was counted with, and the token's creation): the instant the provider plans.
 * A recorded date moves with the period from the same start; a token that had none counts from its creation;
 * without a period, never.
 */
export function scheduledRotateAfter(recorded: { rotateAfter?: string | null; createdAt?: string } & TokenSchedule, next: TokenSchedule): string | undefined {
    const period = rotationPeriodMs(next);
    if (period === undefined) return undefined;
    const recordedPeriod = rotationPeriodMs(recorded);
    if (recorded.rotateAfter && recordedPeriod !== undefined) return new Date(Date.parse(recorded.rotateAfter) - recordedPeriod + period).toISOString();
    return recorded.createdAt ? rotateAfterFor(recorded.createdAt, next) : undefined;
}
