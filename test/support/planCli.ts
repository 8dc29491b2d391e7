// Runs the offline plan's real CLI in a child process, loaded through ts-node, as a reviewer runs it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { simulateResource } from "../../tools/plan/simulation";

const ROOT = path.resolve(__dirname, "..", "..");

export interface PlanRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The CLI, and a temporary folder for stack files that lives as long as the calling test file. */
export function planCli() {
    let dir = "";
    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    });
    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const tmp = () => dir;
    const planWith = (env: Record<string, string>, ...args: string[]): PlanRun => {
        const res = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--project", "tsconfig.json", "tools/plan/cli.ts", ...args], {
            cwd: ROOT,
            encoding: "utf8",
            timeout: 120_000,
            // No credentials and no tenant from the environment unless a test sets them: the plan must not need them.
            env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
        });
        return { code: res.status, stdout: res.stdout, stderr: res.stderr };
    };
    return {
        tmp,
        planWith,
        plan: (...args: string[]): PlanRun => planWith({}, ...args),
        /** Writes a stack file into the test's temporary folder. */
        stackFile: (name: string, lines: string[]): string => {
            const file = path.join(tmp(), name);
            fs.writeFileSync(file, `${lines.join("\n")}\n`);
            return file;
        },
    };
}

/**
 * The SCIM token value the offline plan simulates for a connection (derived from the resource's type and name), so a
 * test can check that this very value is printed nowhere, whatever its format.
 */
export function simulatedScimToken(connection: string): string {
    const { state } = simulateResource({
        type: "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken",
        name: `${connection}-auth0-scim-token`,
        inputs: { connectionId: "con_any" },
        custom: true,
    });
    return String(state.token);
}
