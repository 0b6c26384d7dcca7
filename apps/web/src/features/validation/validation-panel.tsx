import { useBoardSelectionStore } from "../board/board-selection-store";
import { useFieldFocusStore } from "../board/field-focus-store";
import { useBoardValidation, type ValidationIssue } from "./board-validation";

/** The open board's problems, errors first; choosing one takes the editor to its field. */
export function ValidationPanel() {
  const boardId = useBoardSelectionStore((state) => state.selected?.boardId);
  if (!boardId) {
    return (
      <section className="panel panel--centered" aria-label="Validation">
        <p className="muted">Open a board to see its problems.</p>
      </section>
    );
  }
  return <BoardIssues key={boardId} boardId={boardId} />;
}

function BoardIssues({ boardId }: { boardId: string }) {
  const verdict = useBoardValidation(boardId);
  const focusField = useFieldFocusStore((state) => state.focusField);

  if (verdict.isPending) {
    return (
      <section className="panel" aria-label="Validation">
        <p className="muted" role="status">
          Checking the config…
        </p>
      </section>
    );
  }
  if (verdict.isError) {
    return (
      <section className="panel" aria-label="Validation">
        <p role="alert">Could not check the config: {verdict.error.message}</p>
      </section>
    );
  }
  const { valid, issues, omittedIssueCount } = verdict.data;
  const errors = issues.filter((issue) => issue.severity === "ERROR");
  const warnings = issues.filter((issue) => issue.severity === "WARNING");
  return (
    <section className="panel" aria-label="Validation">
      <p
        className={`validation-summary validation-summary--${valid ? "good" : "bad"}`}
        role="status"
      >
        {valid
          ? warnings.length === 0
            ? "The config is valid."
            : `The config is valid, with ${plural(warnings.length, "warning")}.`
          : `${plural(errors.length + omittedIssueCount, "error")} to fix before saving a version.`}
      </p>
      <IssueList title="Errors" issues={errors} onChoose={focusField} />
      <IssueList title="Warnings" issues={warnings} onChoose={focusField} />
      {omittedIssueCount > 0 && (
        <p className="muted">{plural(omittedIssueCount, "more issue")} not listed.</p>
      )}
    </section>
  );
}

function IssueList({
  title,
  issues,
  onChoose,
}: {
  title: string;
  issues: readonly ValidationIssue[];
  onChoose: (pointer: string) => void;
}) {
  if (issues.length === 0) return null;
  return (
    <>
      <h3 className="panel__subtitle">{title}</h3>
      <ul className="issue-list">
        {issues.map((issue) => (
          <li key={`${issue.path}\u0000${issue.code}\u0000${issue.message}`}>
            <button
              type="button"
              className={`issue issue--${issue.severity.toLowerCase()}`}
              onClick={() => onChoose(issue.path)}
            >
              <span className="issue__message">{issue.message}</span>
              <code className="issue__path">{issue.path || "whole config"}</code>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
