// What `npm run ticket` and `npm run status` share: flags, --help, the exit codes and the way errors are printed.
// Errors carry no secret: neither command puts a ticket link or token value into one.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { OnboardingApiError } from "../../components/self-service/onboardingApi";
import { type Exec, UsageError } from "../verify/target";

export interface OnboardingIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    env: NodeJS.ProcessEnv;
    exec?: Exec;
    /** Tests: the Auth0 stand-in's origin. */
    baseUrl?: string;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

export interface CommandValues {
    stack: string;
    json: boolean;
    /** The command's own string flags. */
    strings: Record<string, string | undefined>;
}

/** Parses `--stack NAME [--json] [--help]` plus `stringFlags`, runs `body`, maps failures to exit codes 1-3. */
export async function runCommand(
    tool: "ticket" | "status",
    usage: string,
    argv: string[],
    io: OnboardingIo,
    stringFlags: readonly string[],
    body: (values: CommandValues) => Promise<number>,
): Promise<number> {
    let json = false;
    try {
        const options: ParseArgsConfig["options"] = {
            stack: { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", default: false },
        };
        for (const f of stringFlags) options[f] = { type: "string" };
        const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options });
        json = values.json === true;
        if (values.help) {
            io.stdout(usage);
            return 0;
        }
        if (typeof values.stack !== "string") throw new UsageError("--stack NAME is required");
        const strings = Object.fromEntries(stringFlags.map((f) => [f, typeof values[f] === "string" ? (values[f] as string) : undefined]));
        return await body({ stack: values.stack, json, strings });
    } catch (err) {
        const isUsage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        const code = isUsage ? 2 : err instanceof OnboardingApiError ? 1 : 3;
        const message = (err as Error).message;
        if (json) io.stdout(JSON.stringify({ reportVersion: 1, tool: `auth0-entra-scim ${tool}`, error: message, exitCode: code }, null, 2));
        else io.stderr(`${tool}: ${message}${isUsage ? `\n\n${usage}` : ""}`);
        return code;
    }
}

/** Runs a command's main with the process's streams and environment. */
export function runFromShell(main: (argv: string[], io: OnboardingIo) => Promise<number>): void {
    main(process.argv.slice(2), {
        stdout: (t) => process.stdout.write(`${t}\n`),
        stderr: (t) => process.stderr.write(`${t}\n`),
        env: process.env,
    }).then((code) => {
        process.exitCode = code;
    });
}
