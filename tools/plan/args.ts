// The plan's command line: flags in, options out, or a UsageError (exit 2) that says what is wrong.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

export const USAGE = `Usage: npm run plan [-- --stack NAME | --config-file PATH] [--json]

Evaluates the program offline against simulated providers and prints what \`pulumi up\` would create.
  --stack NAME, -s NAME   read Pulumi.NAME.yaml (default: Pulumi.example.yaml)
  --config-file PATH      read this stack file instead (as \`pulumi --config-file\`)
  --json                  print the plan as JSON (planVersion 1, docs/plan.md) and nothing else on stdout
  --help, -h              this text

Exit codes: 0 planned, 1 the stack config is invalid, 2 usage error (bad flag, missing stack file), 3 internal error.`;

/** A mistake on the command line: nothing was planned; exit code 2. */
export class UsageError extends Error {}

export interface PlanArgs {
    stack?: string;
    /** A stack config file to read instead of Pulumi.<stack>.yaml (as `pulumi --config-file`). */
    configFile?: string;
    json: boolean;
    help: boolean;
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    let values: { stack?: string; "config-file"?: string; json?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                stack: { type: "string", short: "s" },
                "config-file": { type: "string" },
                json: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (err) {
        // node:util names the flag and what it lacks ("argument missing", "unknown option").
        throw new UsageError((err as Error).message);
    }
    const stack = values.stack;
    const configFile = values["config-file"];
    if (stack !== undefined && stack.trim() === "") throw new UsageError("--stack needs a stack name.");
    if (configFile !== undefined && configFile.trim() === "") throw new UsageError("--config-file needs a path.");
    if (stack !== undefined && configFile !== undefined) {
        throw new UsageError("give --stack or --config-file, not both: the stack's file is Pulumi.<stack>.yaml, --config-file names another one.");
    }
    if (stack !== undefined && !/^[A-Za-z0-9_./-]+$/.test(stack)) throw new UsageError(`--stack "${stack}" is not a stack name.`);
    return {
        ...(stack !== undefined ? { stack } : {}),
        ...(configFile !== undefined ? { configFile } : {}),
        json: values.json ?? false,
        help: values.help ?? false,
    };
}

/**
 * The stack file the options name: --config-file, else Pulumi.<stack>.yaml in `root`, else Pulumi.example.yaml.
 * A named file that does not exist is a usage error, never a silent plan of the example.
 */
export function stackFilePath(options: { stack?: string; configFile?: string }, root: string): string {
    // `org/project/stack` names the stack file by its last part, as the Pulumi CLI does.
    const stackFile = options.stack !== undefined ? `Pulumi.${options.stack.split("/").pop()}.yaml` : undefined;
    const file = options.configFile !== undefined ? path.resolve(options.configFile) : path.join(root, stackFile ?? "Pulumi.example.yaml");
    if (!fs.existsSync(file)) {
        const shown = path.relative(process.cwd(), file) || file;
        const how =
            options.configFile !== undefined
                ? "check the path given to --config-file"
                : `create it (pulumi stack init ${options.stack}; pulumi config set ...), or copy Pulumi.example.yaml or a file of examples/stacks/`;
        throw new UsageError(`${shown} not found: ${how}.`);
    }
    if (!fs.statSync(file).isFile()) throw new UsageError(`${path.relative(process.cwd(), file) || file} is not a file.`);
    return file;
}
