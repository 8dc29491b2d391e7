// The offline plan's pure parts, without a child process: progress, capacity, warnings grouping, encrypted values.
import { describe, expect, it } from "vitest";
import { CAPACITY_WARN_SHARE, PLAN_HEAP_MIB_BASE, PLAN_HEAP_MIB_PER_CONNECTION, capacityWarning, estimateCapacity } from "../tools/plan/capacity";
import { formatOutputValue } from "../tools/plan/format";
import { explainEncrypted } from "../tools/plan/plan";
import { startProgress } from "../tools/plan/progress";
import { formatWarning, groupWarnings } from "../tools/plan/warnings";

const GIB = 2 ** 30;

describe("progress", () => {
    it("says nothing for a quick plan", () => {
        let t = 0;
        const lines: string[] = [];
        const p = startProgress({ afterMs: 5000, everyMs: 10000, write: (l) => lines.push(l), now: () => t });
        for (t = 0; t < 5000; t += 100) p.tick(t / 10);
        p.stop(500);
        expect(lines).toEqual([]);
    });

    it("reports the resources registered so far once the plan takes longer, at most every interval, then how long it took", () => {
        let t = 0;
        const lines: string[] = [];
        const p = startProgress({ afterMs: 5000, everyMs: 10000, write: (l) => lines.push(l), now: () => t });
        for (t = 0; t <= 15000; t += 1000) p.tick(t / 10);
        t = 16000;
        p.stop(1700);
        expect(lines).toEqual([
            "plan: 500 resources registered after 5 s...",
            "plan: 1500 resources registered after 15 s...",
            "plan: 1700 resources, done in 16 s.",
        ]);
    });
});

describe("capacity", () => {
    it("stays quiet for an ordinary stack and warns, pointing at npm run stacks, near the heap limit", () => {
        expect(capacityWarning(estimateCapacity(50, 4 * GIB))).toBeUndefined();
        const w = capacityWarning(estimateCapacity(1000, 4 * GIB));
        expect(w).toMatch(/^1000 connections in one stack need about \d+\.\d GiB of heap/);
        expect(w).toContain("`npm run stacks`");
        expect(w).toContain("4.0 GiB, v8.getHeapStatistics()");
    });

    it("warns from the threshold share of the limit the process really has", () => {
        const limit = 2 * GIB;
        const atThreshold = Math.ceil(((limit / 2 ** 20) * CAPACITY_WARN_SHARE - PLAN_HEAP_MIB_BASE) / PLAN_HEAP_MIB_PER_CONNECTION);
        expect(capacityWarning(estimateCapacity(atThreshold - 1, limit))).toBeUndefined();
        expect(capacityWarning(estimateCapacity(atThreshold, limit))).toBeDefined();
        // The same stack fits a process with a larger heap (NODE_OPTIONS=--max-old-space-size).
        expect(capacityWarning(estimateCapacity(atThreshold, 8 * GIB))).toBeUndefined();
    });

    it("suggests a stack size that itself stays under the threshold", () => {
        const limit = 4 * GIB;
        const w = capacityWarning(estimateCapacity(2000, limit))!;
        const most = Number(/stacks of at most about (\d+)/.exec(w)?.[1]);
        expect(most).toBeGreaterThan(10);
        expect(capacityWarning(estimateCapacity(most, limit))).toBeUndefined();
    });
});

describe("groupWarnings", () => {
    it("prints the same warning once with every connection it concerns, and keeps different ones apart", () => {
        const grouped = groupWarnings([
            "connections a: the SCIM token never expires.",
            "connections b: provisioning is off.",
            "connections b: the SCIM token never expires.",
            "connections c: the SCIM token never expires.",
            "connections c: the SCIM token expires 90 days after creation.",
            "a stack-wide note",
        ]);
        expect(grouped).toEqual([
            { message: "the SCIM token never expires.", connections: ["a", "b", "c"] },
            { message: "provisioning is off.", connections: ["b"] },
            { message: "the SCIM token expires 90 days after creation.", connections: ["c"] },
            { message: "a stack-wide note", connections: [] },
        ]);
    });

    it("names a few connections and counts the rest in text", () => {
        const names = Array.from({ length: 1000 }, (_, i) => `c${i}`);
        const [w] = groupWarnings(names.map((n) => `connections ${n}: the SCIM token never expires.`));
        expect(formatWarning(w)).toBe("connections c0, c1, c2, c3, c4 and 995 more: the SCIM token never expires.");
        expect(w.connections).toHaveLength(1000);
    });
});

describe("explainEncrypted", () => {
    it("says a value is encrypted instead of malformed, once per value, and leaves other problems alone", () => {
        const out = explainEncrypted(
            [
                { path: "auth0:domain", message: "is not a domain name" },
                { path: "connections[0].name", message: "is not a valid Auth0 connection name" },
                { path: "connections[0].entra.appName", message: "is already used" },
                { path: "connections[1].saml", message: "must be an object" },
                { path: "connections[1].saml.signingCert", message: "must be a PEM certificate" },
                { path: "connections[10].name", message: "is required" },
            ],
            ["auth0:domain", "connections[1].saml", "connections[1]"],
        );
        expect(out.map((p) => p.path)).toEqual([
            "auth0:domain",
            "connections[0].name",
            "connections[0].entra.appName",
            "connections[1].saml",
            "connections[10].name",
        ]);
        expect(out[0].message).toMatch(/^is a secure: value \(encrypted in the stack file\)/);
        expect(out[1].message).toBe("is not a valid Auth0 connection name");
        expect(out[3].message).toMatch(/^is a secure: value/);
        expect(out[4].message).toBe("is required");
    });
});

describe("simulated dates", () => {
    it("are labelled relative to today; other values are not", () => {
        const today = new Date("2030-03-01T00:00:00.000Z");
        expect(formatOutputValue("2030-03-31T00:00:00.000Z", today)).toBe('"2030-03-31T00:00:00.000Z"   (simulated: today + 30 days)');
        expect(formatOutputValue("2030-03-01T00:00:00.000Z", today)).toBe('"2030-03-01T00:00:00.000Z"   (simulated: today)');
        expect(formatOutputValue("con_abc", today)).toBe('"con_abc"');
        expect(formatOutputValue(undefined, today)).toBe("(none)");
    });
});
