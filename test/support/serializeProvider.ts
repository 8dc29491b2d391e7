// What Pulumi stores for a dynamic resource's provider, produced and used the way `pulumi up` does it, outside
// vitest: vitest's module transform changes how closures serialize (pulumi/pulumi#10480), so each step runs in a
// child `node` with ts-node, in the project root.
// - registerDynamicResourceInChild: constructs the resource under Pulumi mocks and returns its type token,
//   inputs and the serialized provider text (`__provider`), exactly what the state file would hold.
// - runSerializedProvider: loads that text as Pulumi's dynamic-provider host does
//   (require-from-string, then `.handler()`), and calls one provider method. Whatever it needs (the
//   implementation module, credentials) it must find at call time, in that process.
// Reusable by any dynamic resource of the project (e.g. the SCIM token).
import { execFile } from "node:child_process";
import * as path from "node:path";

export const PROJECT_ROOT = path.join(__dirname, "..", "..");

export interface ChildRegistration {
    type: string;
    name: string;
    /** Inputs as registered, without `__provider`. */
    inputs: Record<string, unknown>;
    providerText: string;
}

export interface ChildOptions {
    /** The child's whole environment besides PATH/HOME/TMPDIR (nothing else leaks in from the test process). */
    env?: Record<string, string>;
    /** Default 60 s. */
    timeoutMs?: number;
}

const REGISTER = `
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(process.cwd(), "tsconfig.json") });
const pulumi = require("@pulumi/pulumi");
const spec = JSON.parse(process.env.SERIALIZE_SPEC);
const seen = [];
pulumi.runtime.setMocks({
    newResource: async (args) => { seen.push({ type: args.type, name: args.name, inputs: args.inputs }); return { id: args.name + "-id", state: args.inputs }; },
    call: async (args) => args.inputs,
}, "auth0-entra-scim", "serialize", false);
const mod = require(path.join(process.cwd(), spec.module));
const res = new mod[spec.className](spec.name, spec.args);
res.urn.apply(() => { process.stdout.write(JSON.stringify(seen)); });
`;

const RUN = `
const requireFromString = require("require-from-string");
const spec = JSON.parse(process.env.SERIALIZE_SPEC);
(async () => {
    const provider = requireFromString(spec.text).handler();
    try {
        const result = await provider[spec.method](...spec.args);
        process.stdout.write(JSON.stringify({ ok: true, result: result === undefined ? null : result }));
    } catch (e) {
        process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
    }
})();
`;

function runChild(script: string, spec: unknown, o: ChildOptions): Promise<string> {
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        ...o.env,
        SERIALIZE_SPEC: JSON.stringify(spec),
    };
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-e", script],
            { cwd: PROJECT_ROOT, env, timeout: o.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
                else resolve(stdout);
            },
        );
    });
}

/** Registers `new <className>(name, args)` from a project-relative module under mocks, in a child process. */
export async function registerDynamicResourceInChild(
    spec: { module: string; className: string; name: string; args: Record<string, unknown> },
    o: ChildOptions = {},
): Promise<ChildRegistration> {
    const out = await runChild(REGISTER, spec, o);
    const seen = JSON.parse(out) as { type: string; name: string; inputs: Record<string, unknown> }[];
    const reg = seen.find((r) => r.name === spec.name);
    if (!reg) throw new Error(`no resource named ${spec.name} was registered; saw ${seen.map((r) => r.name).join(", ")}`);
    const { __provider, ...inputs } = reg.inputs;
    if (typeof __provider !== "string") throw new Error(`${spec.name} has no serialized provider (a dynamic resource?)`);
    return { type: reg.type, name: reg.name, inputs, providerText: __provider };
}

/** Loads a serialized provider as Pulumi's provider host does and calls one method, in a child process. */
export async function runSerializedProvider(
    providerText: string,
    method: "check" | "diff" | "create" | "read" | "update" | "delete",
    args: unknown[],
    o: ChildOptions = {},
): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
    return JSON.parse(await runChild(RUN, { text: providerText, method, args }, o)) as { ok: true; result: unknown } | { ok: false; error: string };
}
