// Ctrl-C: the first one stops the checks and lets cleanup delete the test objects (the run then exits 130,
// "interrupted"); a second one quits at once and names every test user or group this run may have left.
import type { Created } from "./checks/common";
import { describeObject } from "./report";

export interface InterruptIo {
    /** Writes a whole line to stderr. */
    stderr: (text: string) => void;
    exit: (code: number) => void;
}

/** The exit code of a run stopped by SIGINT (128 + 2), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** "User name (id)" for each object not confirmed gone, and the names whose POST got no answer. */
export function describeLeft(runs: Iterable<Created>): string[] {
    const left: string[] = [];
    for (const c of runs) {
        for (const t of [...c.groups, ...c.users]) if (!t.gone) left.push(describeObject(t));
        for (const name of c.unconfirmedGroups) left.push(`Group ${name} (id unknown: its POST got no answer)`);
        for (const name of c.unconfirmedUsers) left.push(`User ${name} (id unknown: its POST got no answer)`);
    }
    return [...new Set(left)];
}

export class Interrupt {
    private signals = 0;
    private readonly runs: Created[] = [];

    constructor(private readonly io: InterruptIo) {}

    readonly interrupted = (): boolean => this.signals > 0;

    /** Keeps a run's live record of what it created, so that a second Ctrl-C can name it. */
    readonly track = (created: Created): void => {
        this.runs.push(created);
    };

    onSignal(): void {
        this.signals++;
        if (this.signals === 1) {
            this.io.stderr("Interrupted: stopping the checks and deleting the test objects (Ctrl-C again to quit at once)...");
            return;
        }
        const left = describeLeft(this.runs);
        this.io.stderr(
            left.length
                ? `Quit before cleanup finished. Test objects that may be left on the SCIM endpoint:\n${left.map((l) => `  ${l}`).join("\n")}\n` +
                      "Delete them in the Auth0 dashboard, or run verify again with --delete-leftovers."
                : "Quit. This run left no test user or group behind.",
        );
        this.io.exit(INTERRUPTED_EXIT_CODE);
    }
}
