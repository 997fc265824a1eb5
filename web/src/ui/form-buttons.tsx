import { Button, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";

/** The foot of a page's form: Cancel goes back to `cancelTo`, and the submit button. */
export function FormButtons({ cancelTo, submit, loading, disabled }: { cancelTo: string; submit: ReactNode; loading: boolean; disabled?: boolean }) {
  return (
    <Group justify="flex-end" gap="sm">
      <Button component={Link} to={cancelTo} variant="default">
        Cancel
      </Button>
      <Button type="submit" loading={loading} disabled={disabled}>
        {submit}
      </Button>
    </Group>
  );
}
