// Secrets never reach output: every string the check prints or returns passes through one Redactor.

export const REDACTED = "[REDACTED]";

/** Replaces each known secret (and the forms a server might echo it in) with a marker. */
export class Redactor {
    private readonly secrets = new Set<string>();

    constructor(secrets: Array<string | undefined> = []) {
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
        for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
            out = out.split(s).join(REDACTED);
        }
        return out;
    }

    /** Redacts every string inside a JSON-like value. */
    applyDeep<T>(value: T): T {
        return JSON.parse(this.apply(JSON.stringify(value ?? null))) as T;
    }
}
