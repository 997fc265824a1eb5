import { Text } from "@mantine/core";
import { IconHeadset } from "@tabler/icons-react";
import { AppFrame } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";
import { PlaceholderPage } from "../app/placeholder-page.tsx";

export function AgentApp() {
  return (
    <RequireSignIn>
      <AppFrame area="Agent workspace" home="/agent" nav={[{ label: "Tickets", to: "/agent", end: true }]}>
        <PlaceholderPage title="Agent workspace" icon={<IconHeadset size={24} />} forRoles={["agent", "supervisor", "admin"]} audience="agents, supervisors and admins">
          <Text size="sm">
            The workspace for working tickets (queues, the conversation with internal notes, and live updates) is being built and will open
            here.
          </Text>
        </PlaceholderPage>
      </AppFrame>
    </RequireSignIn>
  );
}
