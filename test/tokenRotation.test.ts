import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../components/config";
import {
    DAY_MS,
    classifyRotationChange,
    maxRunIntervalDays,
    needsRotation,
    planRotation,
    rotateAfterFor,
    rotationPeriodMs,
    scheduleProblems,
    tokenLifecycleWarnings,
    tokenLifetimeSeconds,
    validUntilFor,
} from "../components/2-auth0-connection/tokenRotation";

const CREATED = "2025-11-06T03:50:37.836Z"; // created_at of the recorded token (fixtures)
const at = (iso: string) => new Date(iso);
const plusDays = (iso: string, d: number) => new Date(Date.parse(iso) + d * DAY_MS).toISOString();

describe("token lifetime", () => {
    it("is sent in seconds, above the API's 900-second floor", () => {
        expect(tokenLifetimeSeconds(90)).toBe(90 * 86_400);
        expect(tokenLifetimeSeconds(1)).toBe(86_400);
        expect(tokenLifetimeSeconds(1)!).toBeGreaterThan(900);
        expect(tokenLifetimeSeconds(undefined)).toBeUndefined();
    });

    it("rejects what the API would reject", () => {
        expect(() => tokenLifetimeSeconds(0)).toThrow(/at least 1/);
        expect(() => tokenLifetimeSeconds(1.5)).toThrow(/whole number/);
        expect(() => tokenLifetimeSeconds(-3)).toThrow(/at least 1/);
    });

    it("gives validUntil from creation, and none for a non-expiring token", () => {
        expect(validUntilFor(CREATED, 90)).toBe("2026-02-04T03:50:37.836Z");
        expect(validUntilFor(CREATED, undefined)).toBeUndefined();
    });
});

describe("rotation date", () => {
    it("is createdAt + tokenRotationDays", () => {
        expect(rotateAfterFor(CREATED, { tokenLifetimeDays: 90, tokenRotationDays: 60 })).toBe("2026-01-05T03:50:37.836Z");
        expect(rotateAfterFor(CREATED, { tokenRotationDays: 30 })).toBe(plusDays(CREATED, 30));
    });

    it("defaults to 3/4 of the lifetime, so an expiring token is never left to expire", () => {
        expect(rotationPeriodMs({ tokenLifetimeDays: 120 })).toBe(90 * DAY_MS);
        expect(rotationPeriodMs({ tokenLifetimeDays: 1 })).toBe(18 * 3_600_000);
        expect(rotateAfterFor(CREATED, { tokenLifetimeDays: 120 })).toBe(plusDays(CREATED, 90));
    });

    it("is absent for a non-expiring token without a rotation period", () => {
        expect(rotationPeriodMs({})).toBeUndefined();
        expect(rotateAfterFor(CREATED, {})).toBeUndefined();
    });
});

describe("needsRotation", () => {
    const token = { rotateAfter: plusDays(CREATED, 60), validUntil: plusDays(CREATED, 90) };

    it("is not due before the rotation date", () => {
        expect(needsRotation(at(plusDays(CREATED, 59)), token)).toEqual({ due: false });
        expect(needsRotation(new Date(Date.parse(token.rotateAfter) - 1), token).due).toBe(false);
    });

    it("is due at the rotation date", () => {
        const d = needsRotation(at(token.rotateAfter), token);
        expect(d.due).toBe(true);
        expect(d.reason).toContain(token.rotateAfter);
    });

    it("is due after the rotation date", () => {
        expect(needsRotation(at(plusDays(CREATED, 61)), token).due).toBe(true);
    });

    it("is due once expired, even without a rotation date", () => {
        const d = needsRotation(at(plusDays(CREATED, 90)), { validUntil: token.validUntil });
        expect(d).toEqual({ due: true, reason: `the token expired at ${token.validUntil}` });
    });

    it("is never due for a non-expiring, never-rotated token", () => {
        expect(needsRotation(at("2099-01-01T00:00:00Z"), { rotateAfter: null, validUntil: null }).due).toBe(false);
    });
});

describe("planRotation (what check records)", () => {
    const s = { tokenLifetimeDays: 90, tokenRotationDays: 60 };
    const recorded = { rotateAfter: plusDays(CREATED, 60), ...s };

    it("starts a period from now for a new token", () => {
        expect(planRotation(at(CREATED), s)).toEqual({ rotateAfter: plusDays(CREATED, 60), due: false });
    });

    it("keeps the recorded date before it", () => {
        expect(planRotation(at(plusDays(CREATED, 59)), s, recorded)).toEqual({ rotateAfter: recorded.rotateAfter, due: false });
    });

    it("rotates at the date, counting the next period from now", () => {
        const now = recorded.rotateAfter;
        const p = planRotation(at(now), s, recorded);
        expect(p.due).toBe(true);
        expect(p.rotateAfter).toBe(plusDays(now, 60));
        expect(p.reason).toContain(recorded.rotateAfter);
    });

    it("rotates after the date", () => {
        const now = plusDays(CREATED, 75);
        expect(planRotation(at(now), s, recorded)).toMatchObject({ due: true, rotateAfter: plusDays(now, 60) });
    });

    it("moves the date with the schedule, counted from the same creation", () => {
        const p = planRotation(at(plusDays(CREATED, 10)), { ...s, tokenRotationDays: 45 }, recorded);
        expect(p).toEqual({ rotateAfter: plusDays(CREATED, 45), due: false });
    });

    it("rotates when a shorter schedule's date has already passed", () => {
        const now = plusDays(CREATED, 40);
        const p = planRotation(at(now), { ...s, tokenRotationDays: 30 }, recorded);
        expect(p).toMatchObject({ due: true, rotateAfter: plusDays(now, 30) });
    });

    it("records nothing when rotation is off", () => {
        expect(planRotation(at(CREATED), {}, recorded)).toEqual({ due: false });
    });
});

describe("classifyRotationChange (what diff concludes, without a clock)", () => {
    const s = { tokenLifetimeDays: 90, tokenRotationDays: 60 };
    const old = { rotateAfter: plusDays(CREATED, 60), ...s };

    it("agrees with planRotation before, at and after the date", () => {
        for (const day of [59, 60, 61]) {
            const now = at(plusDays(CREATED, day));
            const plan = planRotation(now, s, old);
            const change = classifyRotationChange(old, { rotateAfter: plan.rotateAfter, ...s });
            expect(change).toBe(plan.due ? "rotate" : "none");
            expect(plan.due).toBe(day >= 60);
        }
    });

    it("calls a new schedule for the same token a reschedule", () => {
        const plan = planRotation(at(plusDays(CREATED, 10)), { ...s, tokenRotationDays: 45 }, old);
        expect(classifyRotationChange(old, { rotateAfter: plan.rotateAfter, ...s, tokenRotationDays: 45 })).toBe("reschedule");
    });

    it("calls turning rotation on or off a reschedule", () => {
        expect(classifyRotationChange({ rotateAfter: null }, { rotateAfter: plusDays(CREATED, 60), ...s })).toBe("reschedule");
        expect(classifyRotationChange(old, {})).toBe("reschedule");
    });
});

describe("schedule validation", () => {
    it("rejects a rotation not shorter than the lifetime", () => {
        expect(scheduleProblems({ tokenLifetimeDays: 30, tokenRotationDays: 30 })[0]).toMatch(/must be shorter than tokenLifetimeDays/);
        expect(scheduleProblems({ tokenLifetimeDays: 30, tokenRotationDays: 45 })).toHaveLength(1);
        expect(scheduleProblems({ tokenLifetimeDays: 30, tokenRotationDays: 20 })).toEqual([]);
    });

    it("is enforced at config time by parseStackConfig", () => {
        const raw = (scim: Record<string, unknown>) => ({
            auth0Domain: "acme.eu.auth0.com",
            connections: [
                { name: "acme-entra", saml: { metadataUrl: "https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml" }, scim },
            ],
        });
        expect(() => parseStackConfig(raw({ tokenLifetimeDays: 30, tokenRotationDays: 30 }))).toThrow(ConfigError);
        try {
            parseStackConfig(raw({ tokenLifetimeDays: 30, tokenRotationDays: "45" }));
            expect.unreachable("a rotation longer than the lifetime must be rejected");
        } catch (e) {
            expect((e as ConfigError).problems).toEqual([expect.objectContaining({ path: "connections[0].scim.tokenRotationDays" })]);
        }
        const ok = parseStackConfig(raw({ tokenLifetimeDays: 90, tokenRotationDays: 60 })).connections[0].scim;
        expect(scheduleProblems(ok)).toEqual([]);
        expect(rotateAfterFor(CREATED, ok)).toBe(plusDays(CREATED, 60));
    });
});

describe("warnings for the plan", () => {
    it("warns that a non-expiring token never expires", () => {
        const w = tokenLifecycleWarnings("acme-entra", {});
        expect(w).toHaveLength(1);
        expect(w[0]).toMatch(/acme-entra: the SCIM token never expires/);
        expect(w[0]).toMatch(/scim\.tokenLifetimeDays/);
    });

    it("states how often pulumi up must run", () => {
        expect(maxRunIntervalDays({ tokenLifetimeDays: 90, tokenRotationDays: 60 })).toBe(30);
        const w = tokenLifecycleWarnings("acme-entra", { tokenLifetimeDays: 90, tokenRotationDays: 60 });
        expect(w.join("\n")).toMatch(/at least every 30 days/);
        const d = tokenLifecycleWarnings("acme-entra", { tokenLifetimeDays: 120 });
        expect(d.join("\n")).toMatch(/rotated 90 days after creation \(3\/4 of its lifetime\)/);
        expect(d.join("\n")).toMatch(/at least every 30 days/);
    });
});
