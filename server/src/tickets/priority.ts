/** Priority from impact × urgency through a matrix the admin can change. */
import type { Level, Priority, PriorityMatrix } from "@tessera/contracts";
import type { Reader } from "../context.ts";
import { getSetting } from "../settings/store.ts";

type Matrix = PriorityMatrix["matrix"];

/** The ITIL default: high impact and high urgency is P1; low and low is P4. */
export const DEFAULT_MATRIX: Matrix = {
  high: { high: "P1", medium: "P2", low: "P3" },
  medium: { high: "P2", medium: "P3", low: "P4" },
  low: { high: "P3", medium: "P4", low: "P4" },
};

export const MATRIX_KEY = "priority_matrix";

export async function loadMatrix(r: Reader): Promise<Matrix> {
  return r.memo.get(MATRIX_KEY, async () => (await getSetting<Matrix>(r.db, MATRIX_KEY)) ?? DEFAULT_MATRIX);
}

export function priorityOf(matrix: Matrix, impact: Level, urgency: Level): Priority {
  return matrix[impact]?.[urgency] ?? DEFAULT_MATRIX[impact][urgency];
}
