// Pulumi checks Pulumi.yaml's `config:` block before the program runs: a key declared there without a `default`
// (or a project-wide `value`) must be set by every stack, or the preview fails with "Stack 'dev' is missing
// configuration value ..." (mergeConfig in pulumi/sdk/go/common/workspace; its tests
// TestStackConfigErrorsWhenMissing*StackValueForConfigTypeWithNoDefault). The offline plan never reads that block,
// so only this test stands between an optional key declared there and a preview that fails for every stack.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../support/serializeProvider";

/** The keys a stack must set for Pulumi to accept it, by Pulumi's rule for project-declared config. */
function keysEveryStackMustSet(project: { config?: Record<string, unknown> }): string[] {
    return Object.entries(project.config ?? {})
        .filter(([, decl]) => decl !== null && typeof decl === "object" && !Array.isArray(decl) && !("default" in decl) && !("value" in decl))
        .map(([key]) => key);
}

describe("Pulumi.yaml's config block", () => {
    it("declares no key that every stack must set (the stack's keys are all optional or structured)", () => {
        const project = parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { config?: Record<string, unknown> };
        expect(keysEveryStackMustSet(project)).toEqual([]);
    });

    it("counts a typed key without a default as one every stack must set, as Pulumi does", () => {
        const project = parse(
            ["config:", "  tenantName:", "    type: string", "  region:", "    type: string", "    default: eu", "  fixed: 3", ""].join("\n"),
        ) as { config?: Record<string, unknown> };
        expect(keysEveryStackMustSet(project)).toEqual(["tenantName"]);
    });
});
