// PATCH as Entra sends it, and when a server refuses it with 400, one or two variants that name why
// (op case, string booleans). A variant that succeeds never turns the check into a pass.
import type { Dialect, PatchRequest } from "../dialect";
import { withOtherOpCase } from "../dialect";
import { type Outcome, type RunContext, describeFailure, is2xx, send } from "./common";

export interface PatchAttempt {
    outcome: Outcome;
    /** Why the server refused Entra's request, when a variant showed it. */
    diagnosis?: string;
    evidence: string[];
}

interface Variant {
    request: PatchRequest;
    explains: string;
}

function variants(dialect: Dialect, req: PatchRequest): Variant[] {
    const out: Variant[] = [];
    const other = withOtherOpCase(req);
    out.push(
        dialect === "aadOptscim062020"
            ? {
                  request: other,
                  explains: `the server rejects lowercase ops ("${req.Operations[0].op}"), which Entra sends with ?aadOptscim062020; the same request with "${other.Operations[0].op}" succeeded`,
              }
            : {
                  request: other,
                  explains: `the server rejects capitalised ops ("${req.Operations[0].op}"), which Entra sends without ?aadOptscim062020; the same request with "${other.Operations[0].op}" succeeded`,
              },
    );
    const stringBool = req.Operations.some((o) => typeof o.value === "string" && /^(true|false)$/i.test(o.value));
    if (stringBool) {
        out.push({
            request: {
                ...req,
                Operations: req.Operations.map((o) =>
                    typeof o.value === "string" && /^(true|false)$/i.test(o.value) ? { ...o, value: o.value.toLowerCase() === "true" } : o,
                ),
            },
            explains: `the server rejects the string "False" for active, which Entra sends without ?aadOptscim062020; the same request with a boolean succeeded`,
        });
    }
    return out;
}

export async function patchAsEntra(ctx: RunContext, path: string, req: PatchRequest): Promise<PatchAttempt> {
    const outcome = await send(ctx, "PATCH", path, { body: req });
    const evidence = [outcome.line];
    if (!outcome.ok || outcome.res.status !== 400) return { outcome, evidence };
    for (const v of variants(ctx.dialect, req)) {
        if (!ctx.client.canSpend()) break;
        const probe = await send(ctx, "PATCH", path, { body: v.request });
        evidence.push(`${probe.line} (diagnostic variant)`);
        if (is2xx(probe)) return { outcome, diagnosis: v.explains, evidence };
    }
    return { outcome, evidence };
}

export function patchFailureReason(a: PatchAttempt): string {
    return a.diagnosis ? `${describeFailure(a.outcome)}: ${a.diagnosis}` : describeFailure(a.outcome);
}
