// Issue 13's layouts through Pulumi's real dynamic-provider host, each with the texts its own program registered:
// a compiled deployment of this stack (`main: dist/index.js`, no ts-node, typescript, @swc, tsconfig or .ts), and a
// consumer project that installed the packed tarball. The build and the tarball are made once (layouts.ts).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Layout, describeLayout } from "../host/layoutSuite";
import { exampleConfig } from "../host/scenario";
import { registerProgramInChild } from "../support/serializeProvider";
import { LINKED_NODE_OPTIONS, type PackageBuild, compiledDeployment, consumerProject, packageBuild, pulumiProgram, removeTempDirs } from "./layouts";

afterAll(removeTempDirs);

let build: PackageBuild | undefined;
const once = () => (build ??= packageBuild());

/** Runs the layout's program where Pulumi would, and points the host at the same place; the build runs compiled. */
async function layoutIn(dir: string, o: { config: Record<string, unknown>; project: string; runtimeOptions: Record<string, unknown> }): Promise<Layout> {
    const { pwd, program } = pulumiProgram(dir);
    const regs = await registerProgramInChild({
        cwd: pwd,
        entry: program,
        config: o.config,
        layoutDir: dir,
        nodeOptions: LINKED_NODE_OPTIONS,
        project: o.project,
    });
    return {
        ...o,
        regs,
        hostCwd: pwd,
        expectedHostScript: path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"),
        nodeOptions: LINKED_NODE_OPTIONS,
        flavour: "js",
    };
}

describeLayout(
    "a compiled deployment of this stack (main: dist/index.js)",
    async () => {
        const dir = compiledDeployment(once());
        for (const absent of ["node_modules/ts-node", "node_modules/typescript", "node_modules/@swc", "tsconfig.json", "index.ts"]) {
            if (existsSync(path.join(dir, absent))) throw new Error(`compiled deployment has ${absent}`);
        }
        return layoutIn(dir, { config: exampleConfig(), project: "auth0-entra-scim", runtimeOptions: { typescript: false } });
    },
    { lifecycle: true },
);

describeLayout(
    "a consumer project that installed the packed tarball",
    async () => layoutIn(consumerProject(once()), { config: { "auth0:domain": "acme.eu.auth0.com" }, project: "acme-platform", runtimeOptions: {} }),
    { lifecycle: true },
);

describe("the packed tarball", () => {
    it("holds the compiled library with declarations and the loader, and package.json points into it", () => {
        const files = execFileSync("tar", ["-tzf", once().tarball], { timeout: 30_000 })
            .toString()
            .trim()
            .split("\n")
            .map((f) => f.replace(/^package\//, ""));
        const pkg = JSON.parse(readFileSync(path.join(once().stage, "package.json"), "utf8")) as {
            main: string;
            types: string;
            exports: Record<string, { types: string; default: string }>;
        };
        for (const f of [pkg.main, pkg.types, pkg.exports["."].types, pkg.exports["."].default, "components/dynamic/loader.js"]) {
            expect(files, f).toContain(f.replace(/^\.\//, ""));
        }
        // Every provider implementation a stored text can name, compiled.
        for (const m of ["scimTokenProvider", "synchronizationSchemaProvider", "preferredTokenSigningKeyProvider", "provisioningStatusProvider"]) {
            expect(
                files.some((f) => f.startsWith("dist/components/") && f.endsWith(`/${m}.js`)),
                m,
            ).toBe(true);
        }
        // The library only: no TypeScript source, no stack entry, tools or tests.
        expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
        expect(files.filter((f) => /^(dist\/)?(index\.|tools\/|test\/|policy\/)/.test(f))).toEqual([]);
    });
});
