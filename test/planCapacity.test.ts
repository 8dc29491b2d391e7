// The stack-size warning as a user meets it: a plan in a Node.js process whose heap is too small for the stack warns
// on stderr before the program runs (so it is seen even when the process then runs out of memory), names
// `npm run stacks`, and lists the warning with the others when the plan finishes.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { generateStackConfig } from "../tools/bench/generate";
import { planCli } from "./support/planCli";

const { planWith, tmp } = planCli();

describe("npm run plan: size of one stack", () => {
    it("warns near this process's heap limit, pointing at npm run stacks", () => {
        const file = path.join(tmp(), "Pulumi.twenty.yaml");
        fs.writeFileSync(file, YAML.stringify({ config: generateStackConfig(20).pulumiConfig }));
        // 20 connections are about 140 MiB by capacity.ts: over 60% of a 150 MiB old space.
        const small = planWith({ NODE_OPTIONS: "--max-old-space-size=150" }, "--config-file", file);
        expect(small.stderr).toMatch(/^warning: 20 connections in one stack need about 0\.1 GiB of heap .*`npm run stacks`/m);
        expect(small.code).toBe(0);
        expect(small.stdout).toMatch(/ {2}! 20 connections in one stack need about/);
        // The default heap holds them: no warning.
        const roomy = planWith({}, "--config-file", file);
        expect(roomy.code).toBe(0);
        expect(roomy.stderr).toBe("");
        expect(roomy.stdout).not.toContain("connections in one stack need");
    });
});
