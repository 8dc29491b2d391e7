// npm run plan [-- --stack NAME | --config-file PATH] [--json]
// Prints what `pulumi up` would create for a stack file, offline (tools/plan/plan.ts), as text or JSON (docs/plan.md).
// Exit codes: 0 planned, 1 invalid stack config, 2 usage error, 3 internal error.
import { USAGE, UsageError, parsePlanArgs } from "./args";
import { formatPlan } from "./format";
import { type PlanJsonError, planJson, planJsonError } from "./json";
import { PlanError, runPlan } from "./plan";

// The plan's library entry points, where tools/bench loads them from.
export { formatPlan } from "./format";
export { runPlan } from "./plan";

export interface PlanIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

export async function main(argv: readonly string[], io: PlanIo): Promise<number> {
    let json = argv.includes("--json");
    const fail = (code: number, kind: PlanJsonError["error"]["kind"], err: Error, problems?: PlanError["problems"]) => {
        io.stderr(`${err.message}\n${kind === "usage" ? `\n${USAGE}\n` : ""}`);
        // With --json, stdout is JSON whatever happens, so a pipeline's parser never meets prose.
        if (json) io.stdout(`${JSON.stringify(planJsonError(kind, err.message, problems), null, 2)}\n`);
        return code;
    };
    try {
        const args = parsePlanArgs(argv);
        json = args.json;
        if (args.help) {
            io.stdout(`${USAGE}\n`);
            return 0;
        }
        const line = (text: string) => io.stderr(`${text}\n`);
        const result = await runPlan({ ...args, progress: line, early: (w) => line(`warning: ${w}`) });
        io.stdout(json ? `${JSON.stringify(planJson(result), null, 2)}\n` : `${formatPlan(result)}\n`);
        return 0;
    } catch (err) {
        if (err instanceof UsageError) return fail(2, "usage", err);
        if (err instanceof PlanError) return fail(1, "config", err, err.problems);
        const e = err instanceof Error ? err : new Error(String(err));
        return fail(3, "internal", new Error(`plan failed: ${e.stack ?? e.message}`));
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
        // Let stdout drain before exiting: a large --json plan piped into another program must arrive whole.
        (code) => {
            process.exitCode = code;
            process.stdout.write("", () => process.exit(code));
        },
        (err: unknown) => {
            process.stderr.write(`plan failed: ${String(err)}\n`);
            process.exit(3);
        },
    );
}
