// Layout 1, this checkout: `pulumi up` in the project root runs index.ts through ts-node, and the engine starts the
// dynamic-provider host in the project root. The stored texts load the TypeScript source there.
import { PROJECT_ROOT, registerProgramInChild } from "../support/serializeProvider";
import { describeLayout } from "./layoutSuite";
import { exampleConfig } from "./scenario";

describeLayout(
    "this checkout, host in the project root",
    async () => {
        const config = exampleConfig();
        return {
            regs: await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true }),
            hostCwd: PROJECT_ROOT,
            config,
            expectedHostScript: require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [PROJECT_ROOT] }),
            flavour: "ts",
        };
    },
    { lifecycle: true },
);
