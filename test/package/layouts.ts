// The package and the places it is deployed from, built for the package tests:
// - packageBuild(): `npm run build` (tsc -p tsconfig.build.json, into a staging copy) and `npm pack` of that copy,
//   once per content of the sources (cached in the temp dir, so a second run reuses it);
// - compiledDeployment(): this stack as a build, run with `main: dist/index.js`, no ts-node/typescript/@swc, no .ts;
// - consumerProject(): another project that installs the packed tarball and declares a ScimConnection;
// - pulumiProgram(): where the engine runs a project's program and provider, and which file it runs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../support/serializeProvider";

/** What a deployment without a TypeScript toolchain lacks. */
export const TOOLCHAIN = ["ts-node", "typescript", "@swc", ".bin"];

/**
 * Node options for a layout whose node_modules is a folder of links: resolve from the link, not from its target,
 * so nothing is found in this checkout's node_modules that the layout does not itself hold (as with real folders).
 */
export const LINKED_NODE_OPTIONS = "--preserve-symlinks --preserve-symlinks-main";

export interface PackageBuild {
    /** The package as `npm pack` sees it: package.json, README.md, components/dynamic/loader.js and dist/. */
    stage: string;
    tarball: string;
}

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => keep(f) && statSync(path.join(dir, f)).isFile())
        .sort();
}

/** Everything the build and the tarball are made from. */
function buildKey(): string {
    const h = createHash("sha256");
    const sources = ["index.ts", "package.json", "tsconfig.json", "tsconfig.build.json", "README.md"];
    const components = filesUnder(path.join(PROJECT_ROOT, "components"), (f) => /\.(ts|js)$/.test(f)).map((f) => path.join("components", f));
    for (const f of [...sources, ...components])
        h.update(f)
            .update("\0")
            .update(readFileSync(path.join(PROJECT_ROOT, f)))
            .update("\0");
    return h.digest("hex").slice(0, 16);
}

/** `npm run build` + `npm pack`, once per content of the sources. */
export function packageBuild(): PackageBuild {
    const dir = path.join(os.tmpdir(), `auth0-entra-scim-package-${buildKey()}`);
    const stage = path.join(dir, "stage");
    const find = () => readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (existsSync(dir) && find()) return { stage, tarball: path.join(dir, find()!) };

    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    const workStage = path.join(work, "stage");
    mkdirSync(path.join(workStage, "components", "dynamic"), { recursive: true });
    // package.json's "build" script, into the staging copy instead of this checkout's dist/.
    const tsc = require.resolve("typescript/bin/tsc", { paths: [PROJECT_ROOT] });
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", path.join(workStage, "dist")], {
        cwd: PROJECT_ROOT,
        timeout: 150_000,
        stdio: "pipe",
    });
    for (const f of ["package.json", "README.md", "components/dynamic/loader.js"]) cpSync(path.join(PROJECT_ROOT, f), path.join(workStage, f));
    execFileSync("npm", ["pack", "--pack-destination", work, "--ignore-scripts", "--silent"], { cwd: workStage, timeout: 60_000, stdio: "pipe" });
    try {
        renameSync(work, dir);
    } catch (e) {
        // Another run finished the same build first: use it.
        if (!existsSync(dir)) throw e;
        rmSync(work, { recursive: true, force: true });
    }
    return { stage, tarball: path.join(dir, find()!) };
}

/** A node_modules of links to this checkout's entries, minus `without`. */
export function linkNodeModules(dir: string, without: readonly string[]): void {
    const from = path.join(PROJECT_ROOT, "node_modules");
    mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    for (const entry of readdirSync(from)) {
        if (without.includes(entry)) continue;
        symlinkSync(path.join(from, entry), path.join(dir, "node_modules", entry), "dir");
    }
}

const made: string[] = [];

/** A fresh temp dir, removed by removeTempDirs(). */
export function tempDir(label: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), `auth0-entra-scim-${label}-`));
    made.push(dir);
    return dir;
}

export function removeTempDirs(): void {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** This stack deployed as a build: the package's files plus dist/index.js, `main: dist/index.js`, no toolchain. */
export function compiledDeployment(build: PackageBuild): string {
    const dir = tempDir("compiled");
    cpSync(build.stage, dir, { recursive: true });
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        ["name: auth0-entra-scim", "runtime:", "    name: nodejs", "    options:", "        typescript: false", "main: dist/index.js", ""].join("\n"),
    );
    linkNodeModules(dir, TOOLCHAIN);
    return dir;
}

/** The consumer's program: its own code around a ScimConnection, as a platform team's existing program would. */
export const CONSUMER_PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const azuread = require("@pulumi/azuread");
const { ScimConnection } = require("auth0-entra-scim");

// The customer's Entra tenant through an explicit provider, as Pulumi users pass one.
const customer = new azuread.Provider("contoso-entra", { tenantId: "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77" });
const contoso = new ScimConnection(
    "contoso",
    {
        auth0Domain: "acme.eu.auth0.com",
        entraTenantId: "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77",
        connection: {
            name: "contoso",
            scim: { tokenLifetimeDays: 180, tokenRotationDays: 150 },
            entra: {
                appName: "Auth0 - Contoso",
                assignments: { users: ["6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11"] },
                provisioningEnabled: true,
                provisionOnDemand: { users: ["6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11"] },
            },
        },
    },
    { providers: { azuread: customer } },
);
exports.scimEndpointUrl = contoso.outputs.scimEndpointUrl;
exports.scimToken = pulumi.secret(contoso.outputs.scimToken);
`;

/** A separate project: its package.json, the tarball extracted into its node_modules, the rest linked, no toolchain. */
export function consumerProject(build: PackageBuild): string {
    const dir = tempDir("consumer");
    const pkg = {
        name: "acme-platform",
        version: "1.0.0",
        private: true,
        main: "index.js",
        dependencies: { "@pulumi/pulumi": "3.248.0", "auth0-entra-scim": `file:${build.tarball}` },
    };
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 4)}\n`);
    writeFileSync(path.join(dir, "Pulumi.yaml"), ["name: acme-platform", "runtime: nodejs", ""].join("\n"));
    writeFileSync(path.join(dir, "index.js"), CONSUMER_PROGRAM);
    linkNodeModules(dir, TOOLCHAIN);
    // What `npm install <tarball>` puts there (npm would need the registry for the rest; they are linked above).
    const target = path.join(dir, "node_modules", "auth0-entra-scim");
    mkdirSync(target);
    execFileSync("tar", ["-xzf", build.tarball, "-C", target, "--strip-components=1"], { timeout: 30_000 });
    return dir;
}

export interface PulumiProgram {
    /** The program's and the dynamic-provider host's working directory. */
    pwd: string;
    /** The file the Node.js runtime runs, relative to pwd. */
    program: string;
}

/**
 * Which file `pulumi up` runs for the project in `projectDir`, and in which directory.
 * Engine: pkg/engine/project.go getPwdMain (no `main:` -> pwd = root, entry "."; a file -> its folder and name; a
 * folder -> it and "."). Node.js runtime: @pulumi/pulumi cmd/run/run.js `run`, which exports no resolver, so its
 * steps are replicated: an entry other than "." is the program; for ".", package.json (searched up from pwd)
 * `exports` (string, or `["."]` string, or its default/require/import), else `main`, each only if the file exists,
 * else the directory itself (its index).
 */
export function pulumiProgram(projectDir: string): PulumiProgram {
    const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { main?: string };
    let pwd = projectDir;
    let entry = ".";
    if (project.main) {
        const main = path.resolve(projectDir, project.main);
        if (statSync(main).isDirectory()) pwd = main;
        else [pwd, entry] = [path.dirname(main), path.basename(main)];
    }
    if (entry !== ".") return { pwd, program: entry };

    let root = pwd;
    while (!existsSync(path.join(root, "package.json")) && path.dirname(root) !== root) root = path.dirname(root);
    const pkg = existsSync(path.join(root, "package.json"))
        ? (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports?: unknown; main?: string })
        : {};
    const existing = (p: string | undefined) => (p && existsSync(path.join(root, p)) ? path.relative(pwd, path.join(root, p)) : ".");
    if (typeof pkg.exports === "string") return { pwd, program: existing(pkg.exports) };
    if (pkg.exports && typeof pkg.exports === "object") {
        const main = (pkg.exports as Record<string, unknown>)["."];
        if (typeof main === "string") return { pwd, program: existing(main) };
        if (main && typeof main === "object") {
            const m = main as Record<string, string | undefined>;
            return { pwd, program: existing(m.default || m.require || m.import) };
        }
        return { pwd, program: "." };
    }
    return { pwd, program: existing(pkg.main) };
}
