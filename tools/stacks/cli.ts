// npm run stacks -- <plan|matrix|list|apply> --file customers.yaml [--dry-run]
// Lists and creates the Pulumi stacks that serve a file of customers (a stack per customer or per tenant group),
// writing each stack's config through Pulumi's Automation API. Every customer's connections are validated with
// the program's parseStackConfig first; nothing is touched unless the whole file is valid.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { CustomersError, type CustomersFile, OWN_KEYS, type PlannedStack, formatPlan, matrixJson, parseCustomersFile, planStacks } from "./customers";
import { type StackWorkspace, type WorkspaceFactory, automationWorkspace } from "./workspace";

const ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `Usage: npm run stacks -- <command> --file CUSTOMERS.yaml [--dry-run]
  plan     validate the file and print each stack with the config it gets (no Pulumi CLI needed)
  matrix   validate the file and print the JSON list of stack names (a GitHub Actions matrix)
  list     compare the stacks in the backend with the file: to create, present, not in the file
  apply    create or select each stack and write its config (Pulumi.<stack>.yaml, secrets encrypted);
           --dry-run prints the plan instead
`;

export interface StackAction {
    /** create: not in the backend yet; update: exists, config rewritten; unmanaged: in the backend, not in the file (left alone). */
    action: "create" | "update" | "unmanaged";
    stack: string;
    /** Config to set; secrets as {secret: true, value: "$VARIABLE"} until applied. */
    config: ConfigMap;
    /** Keys the customers file owns that this stack no longer gets (removed on update). */
    remove: string[];
}

/** Stacks compare by their last name segment: a backend may list `org/project/name` or just `name`. */
const shortName = (stack: string) => stack.split("/").pop()!;

/** What apply will do, given the stacks the backend already has. */
export function planActions(planned: readonly PlannedStack[], existing: readonly string[]): StackAction[] {
    const have = new Set(existing.map(shortName));
    const actions: StackAction[] = planned.map((s) => {
        const config: ConfigMap = {};
        for (const [key, v] of Object.entries(s.config)) {
            config[key] = v.secret ? { value: `$${v.from.env}`, secret: true } : { value: v.value, secret: false };
        }
        const exists = have.has(shortName(s.stack));
        return {
            action: exists ? "update" : "create",
            stack: s.stack,
            config,
            remove: exists ? OWN_KEYS.filter((k) => !(k in config)) : [],
        };
    });
    const wanted = new Set(planned.map((s) => shortName(s.stack)));
    for (const name of existing) {
        if (!wanted.has(shortName(name))) actions.push({ action: "unmanaged", stack: name, config: {}, remove: [] });
    }
    return actions;
}

export function formatActions(actions: readonly StackAction[]): string {
    return actions
        .map((a) => {
            if (a.action === "unmanaged") return `= ${a.stack}: in the backend but not in the customers file (left alone)`;
            const keys = Object.keys(a.config);
            const secrets = keys.filter((k) => a.config[k].secret);
            return (
                `${a.action === "create" ? "+" : "~"} ${a.stack}: ${a.action}, ${keys.length} config keys (${secrets.length} secret${secrets.length === 1 ? "" : "s"}: ${secrets.join(", ") || "none"})` +
                (a.remove.length ? `, removes ${a.remove.join(", ")}` : "")
            );
        })
        .join("\n");
}

export class SecretMissingError extends Error {}

/** Replaces each secret's `$VARIABLE` by the variable's value; names every missing one (never a value). */
export function resolveSecrets(actions: readonly StackAction[], env: NodeJS.ProcessEnv): StackAction[] {
    const missing: string[] = [];
    const resolved = actions.map((a) => {
        const config: ConfigMap = {};
        for (const [key, v] of Object.entries(a.config)) {
            if (!v.secret) {
                config[key] = v;
                continue;
            }
            const variable = v.value.slice(1);
            const value = env[variable];
            if (value === undefined || value === "") missing.push(`${a.stack} ${key}: $${variable} is not set`);
            config[key] = { value: value ?? "", secret: true };
        }
        return { ...a, config };
    });
    if (missing.length) throw new SecretMissingError(`secrets missing from the environment; no stack was changed:\n  - ${missing.join("\n  - ")}`);
    return resolved;
}

/** Creates or selects each planned stack and writes its config, one stack after the other. */
export async function applyActions(workspace: StackWorkspace, actions: readonly StackAction[], log: (s: string) => void): Promise<void> {
    for (const a of actions) {
        if (a.action === "unmanaged") continue;
        try {
            const stack = await workspace.createOrSelectStack(a.stack);
            await stack.setAllConfig(a.config);
            if (a.remove.length) await stack.removeAllConfig(a.remove);
        } catch (err) {
            // The Automation API's message names the command, never the config values passed to it.
            throw new Error(`stack ${a.stack}: ${a.action} failed: ${(err as Error).message}`);
        }
        log(`${a.action === "create" ? "created" : "updated"} ${a.stack}`);
    }
}

export interface CliDeps {
    readFile(file: string): string;
    workspace: WorkspaceFactory;
    env: NodeJS.ProcessEnv;
    out(text: string): void;
    err(text: string): void;
    workDir: string;
}

interface Args {
    command: "plan" | "matrix" | "list" | "apply";
    file: string;
    dryRun: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
    const [command, ...rest] = argv;
    if (command !== "plan" && command !== "matrix" && command !== "list" && command !== "apply") {
        throw new UsageError(command ? `unknown command "${command}"` : "a command is required");
    }
    let file: string | undefined;
    let dryRun = false;
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--file" || a === "-f") file = rest[++i];
        else if (a.startsWith("--file=")) file = a.slice("--file=".length);
        else if (a === "--dry-run") dryRun = true;
        else throw new UsageError(`unknown argument "${a}"`);
    }
    if (!file) throw new UsageError("--file is required: the YAML file of customers (see tools/stacks/customers.example.yaml)");
    return { command, file, dryRun };
}

function load(deps: CliDeps, file: string): { customers: CustomersFile; planned: PlannedStack[] } {
    let text: string;
    try {
        text = deps.readFile(file);
    } catch (err) {
        throw new CustomersError(file, [{ path: "(file)", message: `cannot be read: ${(err as Error).message}` }]);
    }
    const customers = parseCustomersFile(text, file);
    return { customers, planned: planStacks(customers, file) };
}

/** Runs one command; returns the exit code (0 ok, 1 invalid file or failed call, 2 usage). */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        deps.out(USAGE);
        return 0;
    }
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (err) {
        deps.err(`${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    try {
        const { customers, planned } = load(deps, args.file);
        if (args.command === "matrix") {
            deps.out(matrixJson(planned));
            return 0;
        }
        if (args.command === "plan" || (args.command === "apply" && args.dryRun)) {
            deps.out(formatPlan(planned));
            if (args.dryRun) deps.out("Dry run: no stack was created or changed.");
            return 0;
        }
        let workspace: StackWorkspace;
        try {
            workspace = await deps.workspace({
                workDir: deps.workDir,
                ...(customers.backend ? { backend: customers.backend } : {}),
                ...(customers.secretsProvider ? { secretsProvider: customers.secretsProvider } : {}),
            });
        } catch (err) {
            // The Automation API's CommandError reads "code: N\n stdout: ...\n stderr: ...": its stderr says why.
            const message = (err as Error).message;
            const reason = /stderr: (.+)/.exec(message)?.[1] ?? message.split("\n")[0];
            throw new Error(`cannot open the Pulumi workspace (${args.command} needs the Pulumi CLI; plan and matrix do not): ${reason}`);
        }
        const actions = planActions(planned, await workspace.listStacks());
        deps.out(formatActions(actions));
        if (args.command === "list") return 0;
        await applyActions(workspace, resolveSecrets(actions, deps.env), deps.out);
        return 0;
    } catch (err) {
        deps.err((err as Error).message);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), {
        readFile: (file) => fs.readFileSync(file, "utf8"),
        workspace: automationWorkspace,
        env: process.env,
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
        workDir: ROOT,
    }).then((code) => process.exit(code));
}
