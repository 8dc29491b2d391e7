// The program `pulumi up` runs for this project is the stack (index.ts), never the library that package.json
// exports: a project that ran the library would register nothing and delete every resource of the stack.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../support/serializeProvider";
import { pulumiProgram, removeTempDirs, tempDir } from "./layouts";

afterAll(removeTempDirs);

describe("the entry Pulumi picks", () => {
    it("is index.ts in the project root for this project", () => {
        expect(pulumiProgram(PROJECT_ROOT)).toEqual({ pwd: PROJECT_ROOT, program: "index.ts" });
    });

    it("would be the library without Pulumi.yaml's main: (why main: index.ts must stay)", () => {
        const dir = tempDir("entry");
        cpSync(path.join(PROJECT_ROOT, "package.json"), path.join(dir, "package.json"));
        const yaml = readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8").replace(/^main:.*$/m, "");
        writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
        cpSync(path.join(PROJECT_ROOT, "index.ts"), path.join(dir, "index.ts"));
        // A built checkout: package.json's exports["."] exists.
        mkdirSync(path.join(dir, "dist", "components"), { recursive: true });
        writeFileSync(path.join(dir, "dist", "components", "index.js"), "");
        expect(pulumiProgram(dir)).toEqual({ pwd: dir, program: path.join("dist", "components", "index.js") });
    });

    it("follows the branches of @pulumi/pulumi's cmd/run/run.js that pulumiProgram replicates", () => {
        // run.js exports no entry resolver; if these lines change, pulumiProgram must be read against them again.
        const runJs = readFileSync(require.resolve("@pulumi/pulumi/cmd/run/run.js", { paths: [PROJECT_ROOT] }), "utf8");
        for (const line of [
            'const hasEntrypoint = argv._[0] !== ".";',
            'if (typeof packageObject.exports === "string") {',
            'const mainExport = packageObject.exports["."];',
            "program = resolveEntrypoint(packageRoot, mainExport.default || mainExport.require || mainExport.import, program);",
            'program = resolveEntrypoint(packageRoot, packageObject["main"], program);',
        ]) {
            expect(runJs).toContain(line);
        }
    });
});
