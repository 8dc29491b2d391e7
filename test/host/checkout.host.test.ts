// Layout 1, this checkout: `pulumi up` in the project root runs index.ts through ts-node, and the engine starts the
// dynamic-provider host in the project root. The stored texts load the TypeScript source there.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT, registerProgramInChild } from "../support/serializeProvider";
import { describeLayout } from "./layoutSuite";

/** The stack config of Pulumi.example.yaml: a managed and an Auth0-only connection, every custom resource. */
export function exampleConfig(): Record<string, unknown> {
    return (parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
}

describeLayout(
    "this checkout, host in the project root",
    async () => {
        const config = exampleConfig();
        return {
            regs: await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true }),
            hostCwd: PROJECT_ROOT,
            config,
            expectedHostScript: require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [PROJECT_ROOT] }),
        };
    },
    { lifecycle: true },
);
