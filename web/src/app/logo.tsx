import { Group, Text } from "@mantine/core";

/** The Tessera mark (four tiles) and name; `area` names the face of the app, e.g. "Support". */
export function Logo({ area }: { area?: string }) {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width="24" height="24" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--mantine-color-indigo-6)" />
        <rect x="7" y="7" width="8" height="8" rx="2" fill="#fff" />
        <rect x="17" y="7" width="8" height="8" rx="2" fill="#fff" opacity=".7" />
        <rect x="7" y="17" width="8" height="8" rx="2" fill="#fff" opacity=".7" />
        <rect x="17" y="17" width="8" height="8" rx="2" fill="#fff" opacity=".45" />
      </svg>
      <Text fw={600} size="md" c="dark.8">
        Tessera
      </Text>
      {area && (
        <Text size="sm" c="dimmed" visibleFrom="xs">
          {area}
        </Text>
      )}
    </Group>
  );
}
