// Secrets never reach output: every string the check prints or returns passes through one Redactor.
// It redacts free text only: the fixed identifiers it is given (check ids, group names) and the keys of a
// JSON report stay as they are, so a short or unlucky token can never turn `endpoint.reachable` into
// `endpoint.[REDACTED]` and break a pipeline that keys on it.

export const REDACTED = "[REDACTED]";

interface Span {
    start: number;
    end: number;
}

/** Every occurrence of each fixed identifier in the text. */
function spansOf(text: string, fixed: readonly string[]): Span[] {
    const spans: Span[] = [];
    for (const f of fixed) {
        for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) spans.push({ start: i, end: i + f.length });
    }
    return spans;
}

/** Replaces each known secret (and the forms a server might echo it in) with a marker. */
export class Redactor {
    private readonly secrets = new Set<string>();
    private readonly fixed: readonly string[];

    /** `fixed`: identifiers that are never redacted, though a secret may happen to be part of one. */
    constructor(secrets: Array<string | undefined> = [], fixed: readonly string[] = []) {
        this.fixed = [...fixed];
        for (const s of secrets) this.add(s);
    }

    add(secret: string | undefined): void {
        if (!secret || secret.length < 6) return;
        this.secrets.add(secret);
        this.secrets.add(encodeURIComponent(secret));
        this.secrets.add(JSON.stringify(secret).slice(1, -1));
        // Auth0 tokens are `tok_<id>.<secret>`: the part after the dot alone is still the secret.
        const dot = secret.indexOf(".");
        if (dot > 0 && secret.length - dot > 16) this.secrets.add(secret.slice(dot + 1));
    }

    apply(text: string): string {
        let out = text;
        // Longest first, so that a secret's suffix never leaves its prefix behind.
        for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = this.replace(out, s);
        return out;
    }

    /** Redacts every string value inside a JSON-like value; object keys are never touched. */
    applyDeep<T>(value: T): T {
        return this.walk(value) as T;
    }

    private walk(value: unknown): unknown {
        if (typeof value === "string") return this.apply(value);
        if (Array.isArray(value)) return value.map((v) => this.walk(v));
        if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v)]));
        return value;
    }

    /** One secret's occurrences, except those lying wholly inside a fixed identifier. */
    private replace(text: string, secret: string): string {
        if (!text.includes(secret)) return text;
        const keep = spansOf(text, this.fixed);
        let out = "";
        let from = 0;
        for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + 1)) {
            if (i < from) continue;
            if (keep.some((k) => k.start <= i && i + secret.length <= k.end)) continue;
            out += text.slice(from, i) + REDACTED;
            from = i + secret.length;
        }
        return out + text.slice(from);
    }
}
