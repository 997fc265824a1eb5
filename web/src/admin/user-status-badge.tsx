// The "Active" / "Disabled" marker shown for a person in the users list and editor.
import classes from "./admin.module.css";

export function StatusBadge({ active }: { active: boolean }) {
  return (
    <span className={classes.state} data-disabled={!active || undefined}>
      <span className={classes.stateDot} aria-hidden="true" />
      {active ? "Active" : "Disabled"}
    </span>
  );
}
