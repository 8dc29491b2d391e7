// One file of customers -> the Pulumi stacks that serve them, with each stack's config. Pure: no Pulumi CLI,
// no I/O. Every stack's connections go through the program's own parseStackConfig before anything is done,
// and problems are reported with the customer's name and the path in the customers file.
import * as YAML from "yaml";
import { type ConfigProblem, PROJECT, type RawStackConfig, type StackSettings, parseStackConfig, ConfigError } from "../../components/config";

/** Where a secret config value comes from when stacks are written; the file never holds secret values. */
export interface SecretSource {
    env: string;
}

export interface Customer {
    name: string;
    /** Canonical Auth0 tenant domain (auth0:domain). */
    auth0Domain?: string;
    /** The customer's Entra tenant (azuread:tenantId, or each managed connection's entra.tenantId in a group stack). */
    entraTenantId?: string;
    tenantName?: string;
    customDomain?: string;
    /** Stacks per tenant group: the group this customer's connections go to. */
    tenantGroup?: string;
    /** `auth0-entra-scim:connections` of this customer. */
    connections: unknown[];
    monitoring?: unknown;
    /** Further plain config keys (`auth0:clientId`, `azuread:clientId`, ...). */
    config: Record<string, string>;
    secrets: Record<string, SecretSource>;
}

export type StackGrouping = "customer" | "tenantGroup";

export interface CustomersFile {
    stackPer: StackGrouping;
    /** Pulumi Cloud organization: stacks are named `<organization>/auth0-entra-scim/<stack>`. */
    organization?: string;
    /** State backend for every stack, e.g. azblob://state?storage_account=acme (PULUMI_BACKEND_URL). */
    backend?: string;
    /** Secrets provider for new stacks, e.g. azurekeyvault://vault.vault.azure.net/keys/pulumi. */
    secretsProvider?: string;
    customers: Customer[];
}

export interface Problem {
    /** Path in the customers file, e.g. `customers[2].connections[0].entra.tenantId`. */
    path: string;
    /** The customer the problem belongs to, when there is one. */
    customer?: string;
    message: string;
}

export function formatProblem(p: Problem): string {
    return `${p.path}${p.customer ? ` (customer ${p.customer})` : ""}: ${p.message}`;
}

export class CustomersError extends Error {
    constructor(
        readonly file: string,
        readonly problems: Problem[],
    ) {
        super(
            [
                `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; no stack was created or changed.`,
                ...problems.map((p) => `  - ${formatProblem(p)}`),
            ].join("\n"),
        );
        this.name = "CustomersError";
    }
}

/** One config value as the Automation API's ConfigMap takes it; secrets stay a reference until applied. */
export type PlannedValue = { value: string; secret: false } | { secret: true; from: SecretSource };

export interface PlannedStack {
    /** The stack name as the Automation API takes it (fully qualified with an organization). */
    stack: string;
    customers: string[];
    connections: string[];
    config: Record<string, PlannedValue>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_KEY = /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/;
/** Keys the customers file sets through its own fields; `config`/`secrets` must not set them again. */
export const OWN_KEYS = [
    "auth0:domain",
    "azuread:tenantId",
    `${PROJECT}:tenantName`,
    `${PROJECT}:customDomain`,
    `${PROJECT}:connections`,
    `${PROJECT}:monitoring`,
];
const TOP_KEYS = ["stackPer", "organization", "backend", "secretsProvider", "defaults", "customers"];
const CUSTOMER_KEYS = ["name", "auth0Domain", "entraTenantId", "tenantName", "customDomain", "tenantGroup", "connections", "monitoring", "config", "secrets"];
const DEFAULT_KEYS = ["auth0Domain", "tenantName", "customDomain", "monitoring", "config", "secrets"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Problems {
    readonly list: Problem[] = [];
    add(path: string, message: string, customer?: string): undefined {
        this.list.push({ path, message, ...(customer ? { customer } : {}) });
        return undefined;
    }
}

function str(p: Problems, v: unknown, path: string, customer?: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v.trim() === "") return p.add(path, "must be a non-empty string.", customer);
    return v;
}

function unknownKeys(p: Problems, o: Obj, path: string, known: readonly string[], customer?: string): void {
    for (const k of Object.keys(o)) {
        if (!known.includes(k)) p.add(`${path}.${k}`, `unknown key. Known keys here: ${known.join(", ")}.`, customer);
    }
}

function readConfig(p: Problems, v: unknown, path: string, customer?: string): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) return p.add(path, "must be a map of config keys (package:key) to values.", customer) ?? {};
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(v)) {
        const kp = `${path}.${key}`;
        if (!CONFIG_KEY.test(key)) {
            p.add(kp, "is not a config key: use package:key, e.g. auth0:clientId.", customer);
            continue;
        }
        if (OWN_KEYS.includes(key)) {
            p.add(
                kp,
                "is set by the customers file's own fields (auth0Domain, entraTenantId, tenantName, customDomain, connections, monitoring); set it there.",
                customer,
            );
            continue;
        }
        if (isObj(value) && "secure" in value) {
            p.add(kp, "is an encrypted value of one stack; put secrets under `secrets` as {env: VARIABLE}.", customer);
            continue;
        }
        if (value === undefined || value === null) continue;
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

function readSecrets(p: Problems, v: unknown, path: string, customer?: string): Record<string, SecretSource> {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) return p.add(path, "must be a map of config keys to {env: VARIABLE}.", customer) ?? {};
    const out: Record<string, SecretSource> = {};
    for (const [key, value] of Object.entries(v)) {
        const kp = `${path}.${key}`;
        if (!CONFIG_KEY.test(key)) {
            p.add(kp, "is not a config key: use package:key, e.g. auth0:clientSecret.", customer);
            continue;
        }
        if (OWN_KEYS.includes(key)) {
            p.add(kp, "is not a secret the customers file can set.", customer);
            continue;
        }
        if (!isObj(value) || typeof value.env !== "string" || !ENV_NAME.test(value.env) || Object.keys(value).length !== 1) {
            // Never echo the value: it may be the secret itself, pasted in by mistake.
            p.add(kp, "must be {env: VARIABLE}: the secret is read from that environment variable when stacks are written, never from this file.", customer);
            continue;
        }
        out[key] = { env: value.env };
    }
    return out;
}

interface Defaults {
    auth0Domain?: string;
    tenantName?: string;
    customDomain?: string;
    monitoring?: unknown;
    config: Record<string, string>;
    secrets: Record<string, SecretSource>;
}

/** Parses and checks the file's shape; the connections themselves are checked by validateStacks. */
export function parseCustomersFile(text: string, file = "customers file"): CustomersFile {
    const p = new Problems();
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0)
        throw new CustomersError(
            file,
            doc.errors.map((e) => ({ path: "(yaml)", message: e.message.split("\n")[0] })),
        );
    const raw = doc.toJS() as unknown;
    if (!isObj(raw)) throw new CustomersError(file, [{ path: "(top)", message: "must be a map with `customers: [...]`." }]);
    unknownKeys(p, raw, "(top)", TOP_KEYS);

    const stackPer = raw.stackPer ?? "customer";
    if (stackPer !== "customer" && stackPer !== "tenantGroup")
        p.add("stackPer", 'must be "customer" (a stack per customer) or "tenantGroup" (a stack per customers[].tenantGroup).');
    const organization = str(p, raw.organization, "organization");
    if (organization !== undefined && !NAME.test(organization)) p.add("organization", `"${organization}" is not a Pulumi organization name.`);
    const backend = str(p, raw.backend, "backend");
    if (backend !== undefined && !/^(https?|file|s3|gs|azblob):\/\//.test(backend))
        p.add("backend", `"${backend}" is not a Pulumi backend URL (https://, file://, s3://, gs://, azblob://).`);
    const secretsProvider = str(p, raw.secretsProvider, "secretsProvider");

    const defaultsRaw = raw.defaults;
    if (defaultsRaw !== undefined && !isObj(defaultsRaw)) p.add("defaults", "must be a map.");
    const d = isObj(defaultsRaw) ? defaultsRaw : {};
    if (isObj(defaultsRaw)) unknownKeys(p, d, "defaults", DEFAULT_KEYS);
    const defaults: Defaults = {
        auth0Domain: str(p, d.auth0Domain, "defaults.auth0Domain"),
        tenantName: str(p, d.tenantName, "defaults.tenantName"),
        customDomain: str(p, d.customDomain, "defaults.customDomain"),
        monitoring: d.monitoring,
        config: readConfig(p, d.config, "defaults.config"),
        secrets: readSecrets(p, d.secrets, "defaults.secrets"),
    };

    const customers: Customer[] = [];
    if (!Array.isArray(raw.customers) || raw.customers.length === 0) {
        p.add("customers", "must be a non-empty list of customers {name, auth0Domain, entraTenantId, connections}.");
    } else {
        const seen = new Map<string, number>();
        raw.customers.forEach((item: unknown, i: number) => {
            const path = `customers[${i}]`;
            if (!isObj(item)) {
                p.add(path, "must be a map {name, auth0Domain, entraTenantId, connections}.");
                return;
            }
            const name = str(p, item.name, `${path}.name`);
            if (item.name === undefined) p.add(`${path}.name`, "is required.");
            if (name !== undefined && !NAME.test(name))
                p.add(`${path}.name`, `"${name}" cannot name a stack: letters, digits, '-', '_', '.', at most 100.`, name);
            const who = name;
            unknownKeys(p, item, path, CUSTOMER_KEYS, who);
            if (name !== undefined) {
                const first = seen.get(name.toLowerCase());
                if (first !== undefined) p.add(`${path}.name`, `"${name}" is already customers[${first}].`, who);
                else seen.set(name.toLowerCase(), i);
            }
            if (!Array.isArray(item.connections) || item.connections.length === 0)
                p.add(`${path}.connections`, "must be a non-empty list of connections (as auth0-entra-scim:connections).", who);
            const tenantGroup = str(p, item.tenantGroup, `${path}.tenantGroup`, who);
            if (tenantGroup !== undefined && !NAME.test(tenantGroup)) p.add(`${path}.tenantGroup`, `"${tenantGroup}" cannot name a stack.`, who);
            if (stackPer === "tenantGroup" && item.tenantGroup === undefined) p.add(`${path}.tenantGroup`, "is required with stackPer: tenantGroup.", who);
            const config = { ...defaults.config, ...readConfig(p, item.config, `${path}.config`, who) };
            const secrets = { ...defaults.secrets, ...readSecrets(p, item.secrets, `${path}.secrets`, who) };
            for (const k of Object.keys(secrets)) if (k in config) p.add(`${path}.secrets.${k}`, "is also a plain config value; keep one.", who);
            customers.push({
                name: name ?? `customers[${i}]`,
                auth0Domain: str(p, item.auth0Domain, `${path}.auth0Domain`, who) ?? defaults.auth0Domain,
                entraTenantId: str(p, item.entraTenantId, `${path}.entraTenantId`, who),
                tenantName: str(p, item.tenantName, `${path}.tenantName`, who) ?? defaults.tenantName,
                customDomain: str(p, item.customDomain, `${path}.customDomain`, who) ?? defaults.customDomain,
                ...(tenantGroup ? { tenantGroup } : {}),
                connections: Array.isArray(item.connections) ? item.connections : [],
                monitoring: item.monitoring ?? defaults.monitoring,
                config,
                secrets,
            });
        });
    }
    if (p.list.length > 0) throw new CustomersError(file, p.list);
    return {
        stackPer: stackPer as StackGrouping,
        ...(organization ? { organization } : {}),
        ...(backend ? { backend } : {}),
        ...(secretsProvider ? { secretsProvider } : {}),
        customers,
    };
}

/** Where each piece of a stack's raw config came from, to report problems in the customers file's terms. */
interface Origin {
    /** Stack connection index -> [customer index, connection index in that customer]. */
    connections: [number, number][];
    /** Connection indexes whose entra.tenantId the grouping filled in from the customer's entraTenantId. */
    filledTenant: Set<number>;
    /** The customer index that supplied the stack-level values. */
    lead: number;
}

interface StackDraft {
    name: string;
    members: number[];
    raw: RawStackConfig;
    origin: Origin;
}

function stackName(file: CustomersFile, name: string): string {
    return file.organization ? `${file.organization}/${PROJECT}/${name}` : name;
}

function draftStacks(file: CustomersFile, p: Problems): StackDraft[] {
    const groups = new Map<string, number[]>();
    file.customers.forEach((c, i) => {
        const key = file.stackPer === "customer" ? c.name : c.tenantGroup!;
        groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const drafts: StackDraft[] = [];
    for (const [name, members] of groups) {
        const lead = members[0];
        const first = file.customers[lead];
        const perCustomer = file.stackPer === "customer";
        // A stack has one Auth0 tenant (and one monitoring setup): every customer of a group must agree.
        for (const i of members.slice(1)) {
            const c = file.customers[i];
            for (const field of ["auth0Domain", "tenantName", "customDomain"] as const) {
                if (c[field] !== first[field]) {
                    p.add(
                        `customers[${i}].${field}`,
                        `is "${c[field] ?? ""}" but "${first[field] ?? ""}" for ${first.name}, in the same tenant group ${name}: a stack has one Auth0 tenant.`,
                        c.name,
                    );
                }
            }
            if (JSON.stringify(c.monitoring) !== JSON.stringify(first.monitoring))
                p.add(`customers[${i}].monitoring`, `differs from ${first.name}'s in tenant group ${name}: a stack has one monitoring setup.`, c.name);
        }
        const connections: unknown[] = [];
        const origin: Origin = { connections: [], filledTenant: new Set(), lead };
        for (const i of members) {
            const c = file.customers[i];
            c.connections.forEach((conn, j) => {
                let value = conn;
                // In a group stack each managed connection names its customer's tenant (its own azuread provider).
                if (!perCustomer && isObj(conn) && isObj(conn.entra) && conn.entra.tenantId === undefined && c.entraTenantId !== undefined) {
                    value = { ...conn, entra: { ...conn.entra, tenantId: c.entraTenantId } };
                    origin.filledTenant.add(connections.length);
                }
                origin.connections.push([i, j]);
                connections.push(value);
            });
        }
        drafts.push({
            name,
            members,
            origin,
            raw: {
                auth0Domain: first.auth0Domain,
                entraTenantId: perCustomer ? first.entraTenantId : undefined,
                tenantName: first.tenantName,
                customDomain: first.customDomain,
                connections,
                monitoring: first.monitoring,
            },
        });
    }
    return drafts;
}

const STACK_FIELD: Record<string, string> = {
    "auth0:domain": "auth0Domain",
    "azuread:tenantId": "entraTenantId",
    tenantName: "tenantName",
    customDomain: "customDomain",
};

/** A parseStackConfig problem in the customers file's terms. */
function mapProblem(file: CustomersFile, draft: StackDraft, problem: ConfigProblem): Problem {
    const m = /^connections\[(\d+)\](.*)$/.exec(problem.path);
    if (m) {
        const k = Number(m[1]);
        const [ci, cj] = draft.origin.connections[k];
        const customer = file.customers[ci].name;
        if (m[2] === ".entra.tenantId" && draft.origin.filledTenant.has(k))
            return { path: `customers[${ci}].entraTenantId`, customer, message: problem.message };
        return { path: `customers[${ci}].connections[${cj}]${m[2]}`, customer, message: problem.message };
    }
    const lead = draft.origin.lead;
    const customer = file.customers[lead].name;
    const field = STACK_FIELD[problem.path];
    if (field) return { path: `customers[${lead}].${field}`, customer, message: problem.message };
    if (problem.path === "connections" || problem.path.startsWith("monitoring"))
        return { path: `customers[${lead}].${problem.path}`, customer, message: problem.message };
    return { path: `customers[${lead}] ${problem.path}`, customer, message: problem.message };
}

/**
 * Every stack the file asks for, its config validated with the program's own parseStackConfig, plus the checks
 * one stack cannot make: connection names unique per Auth0 tenant and enterprise app names unique per Entra
 * tenant across stacks. Throws CustomersError with every problem; returns the stacks otherwise.
 */
export function planStacks(file: CustomersFile, fileName = "customers file"): PlannedStack[] {
    const p = new Problems();
    const drafts = draftStacks(file, p);
    const planned: PlannedStack[] = [];
    const connectionOwners = new Map<string, string>();
    const appOwners = new Map<string, string>();
    for (const draft of drafts) {
        let settings: StackSettings;
        try {
            settings = parseStackConfig(draft.raw);
        } catch (err) {
            if (!(err instanceof ConfigError)) throw err;
            for (const problem of err.problems) {
                const mapped = mapProblem(file, draft, problem);
                p.add(mapped.path, mapped.message, mapped.customer);
            }
            continue;
        }
        settings.connections.forEach((c, k) => {
            const [ci, cj] = draft.origin.connections[k];
            const here = `customers[${ci}].connections[${cj}]`;
            const customer = file.customers[ci].name;
            const nameKey = `${settings.auth0Domain}/${c.name.toLowerCase()}`;
            const owner = connectionOwners.get(nameKey);
            if (owner)
                p.add(
                    `${here}.name`,
                    `"${c.name}" is already ${owner} in the same Auth0 tenant ${settings.auth0Domain}; connection names are unique per tenant.`,
                    customer,
                );
            else connectionOwners.set(nameKey, `${here} (customer ${customer}, stack ${draft.name})`);
            if (c.entra) {
                const appKey = `${c.entra.tenantId}/${c.entra.appName.toLowerCase()}`;
                const appOwner = appOwners.get(appKey);
                // Within one stack parseStackConfig has checked this already; across stacks only here.
                if (appOwner)
                    p.add(
                        `${here}.entra.appName`,
                        `"${c.entra.appName}" is already the app of ${appOwner} in Entra tenant ${c.entra.tenantId}; give each enterprise app its own name.`,
                        customer,
                    );
                else appOwners.set(appKey, `${here} (customer ${customer}, stack ${draft.name})`);
            }
        });
        planned.push({
            stack: stackName(file, draft.name),
            customers: draft.members.map((i) => file.customers[i].name),
            connections: settings.connections.map((c) => c.name),
            config: stackConfig(file, draft),
        });
    }
    if (p.list.length > 0) throw new CustomersError(fileName, p.list);
    return planned;
}

function stackConfig(file: CustomersFile, draft: StackDraft): Record<string, PlannedValue> {
    const plain = (value: string): PlannedValue => ({ value, secret: false });
    const out: Record<string, PlannedValue> = {};
    const raw = draft.raw;
    out["auth0:domain"] = plain(String(raw.auth0Domain));
    if (raw.entraTenantId !== undefined) out["azuread:tenantId"] = plain(String(raw.entraTenantId));
    if (raw.tenantName !== undefined) out[`${PROJECT}:tenantName`] = plain(String(raw.tenantName));
    if (raw.customDomain !== undefined) out[`${PROJECT}:customDomain`] = plain(String(raw.customDomain));
    // Structured values as JSON text: what `pulumi config set` stores and readRawConfig parses back.
    out[`${PROJECT}:connections`] = plain(JSON.stringify(raw.connections));
    if (raw.monitoring !== undefined && raw.monitoring !== null) out[`${PROJECT}:monitoring`] = plain(JSON.stringify(raw.monitoring));
    // Members of a group agree on everything else or the later one wins; keys are merged in member order.
    for (const i of draft.members) {
        const c = file.customers[i];
        for (const [k, v] of Object.entries(c.config)) out[k] = plain(v);
        for (const [k, s] of Object.entries(c.secrets)) out[k] = { secret: true, from: s };
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The GitHub Actions matrix: a JSON list of stack names, for `strategy.matrix.stack: ${{ fromJSON(...) }}`. */
export function matrixJson(stacks: readonly PlannedStack[]): string {
    return JSON.stringify(stacks.map((s) => s.stack));
}

export function formatPlan(stacks: readonly PlannedStack[]): string {
    const lines: string[] = [];
    for (const s of stacks) {
        lines.push(`stack ${s.stack}: customers ${s.customers.join(", ")}; ${s.connections.length} connection(s): ${s.connections.join(", ")}`);
        for (const [key, v] of Object.entries(s.config)) {
            if (v.secret) lines.push(`    ${key} = [secret from $${v.from.env}]`);
            else
                lines.push(`    ${key} = ${key.endsWith(":connections") ? `(${s.connections.length} connections, ${v.value.length} bytes of JSON)` : v.value}`);
        }
    }
    lines.push(`${stacks.length} stack(s).`);
    return lines.join("\n");
}
