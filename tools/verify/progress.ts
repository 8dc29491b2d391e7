// Progress while checks run, on stderr, never the same lines as the table on stdout. On a terminal: one
// status line rewritten in place and erased before the table prints. Elsewhere (CI logs, where stdout and
// stderr usually land in one log): a line when a connection starts and one when it is done.
import type { CheckResult, ConnectionReport } from "./report";
import { summarise } from "./report";

/** Erase the terminal's current line: carriage return, then ANSI "erase in line" (entire line). */
export const ERASE_LINE = "\r\x1b[2K";

export interface ProgressIo {
    /** Writes a whole line to stderr. */
    stderr: (text: string) => void;
    /** Writes to stderr as is (no newline); used only on a terminal. */
    stderrRaw?: (text: string) => void;
    /** Whether stderr is a terminal. */
    isTTY?: boolean;
    /** The terminal's width, for the status line. */
    columns?: number;
}

export interface Progress {
    start(label: string): void;
    check(c: CheckResult): void;
    done(report: ConnectionReport): void;
    /** Erases the status line (before the table, an error or an interruption message). */
    clear(): void;
}

function doneLine(r: ConnectionReport): string {
    const s = summarise(r.checks);
    return `  done: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${(r.durationMs / 1000).toFixed(1)} s)`;
}

export function progressFor(io: ProgressIo, redact: (text: string) => string): Progress {
    if (!io.isTTY || !io.stderrRaw) {
        return {
            start: (label) => io.stderr(redact(`Verifying ${label}...`)),
            check: () => undefined,
            done: (r) => io.stderr(doneLine(r)),
            clear: () => undefined,
        };
    }
    const raw = io.stderrRaw;
    const width = Math.max(20, (io.columns ?? 80) - 1);
    let label = "";
    let count = 0;
    let failed = 0;
    let shown = false;
    const show = (text: string) => {
        raw(`${ERASE_LINE}${redact(text).slice(0, width)}`);
        shown = true;
    };
    return {
        start: (l) => {
            label = l;
            count = 0;
            failed = 0;
            show(`Verifying ${label}...`);
        },
        check: (c) => {
            count++;
            if (c.status === "fail") failed++;
            show(`Verifying ${label}: ${count} checks, ${failed} failed; ${c.status.toUpperCase()} ${c.id}`);
        },
        done: () => undefined,
        clear: () => {
            if (shown) raw(ERASE_LINE);
            shown = false;
        },
    };
}
