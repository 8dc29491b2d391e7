// The bench child's heap accounting, run as `npm run bench` runs it (a fresh node process per measurement).
// No timing is asserted; the processes are small (2 connections) and killed by vitest's timeout if they hang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildResult, ChildSpec } from "../tools/bench/child";
import { childArgs, childEnv, runNode } from "../tools/bench/spawn";

const CONNECTIONS = 2;
let tmp: string;

async function runChild(spec: ChildSpec): Promise<ChildResult> {
    await runNode(childArgs(), childEnv(spec));
    return JSON.parse(fs.readFileSync(spec.resultFile, "utf8")) as ChildResult;
}

async function baselineStart(planFile: string, name: string): Promise<number> {
    const result = await runChild({ kind: "baseline", connections: CONNECTIONS, planFile, resultFile: path.join(tmp, `${name}.json`) });
    return result.startHeapMb;
}

describe("bench child: the baseline's start heap", () => {
    beforeAll(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-child-"));
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("leaves out the parsed plan, which the baseline lets go as its evaluation starts", async () => {
        const planFile = path.join(tmp, "plan.json");
        await runChild({ kind: "stack", connections: CONNECTIONS, planFile, resultFile: path.join(tmp, "stack.json") });
        // The same plan carrying about 20 MiB more once parsed, in a field the baseline never reads.
        const padded = path.join(tmp, "padded.json");
        const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as Record<string, unknown>;
        fs.writeFileSync(padded, JSON.stringify({ ...plan, padding: Array.from({ length: 250_000 }, (_, i) => ({ i, s: `p${i}` })) }));

        const plain = await baselineStart(planFile, "plain");
        const withPadding = await baselineStart(padded, "padded");
        // Counted in the start, the padding would add its whole size; left out, the two starts agree to a few MiB.
        expect(Math.abs(withPadding - plain)).toBeLessThan(4);
        expect(plain).toBeGreaterThan(0);
    }, 120_000);
});
