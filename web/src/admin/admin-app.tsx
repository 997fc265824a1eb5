import { Text } from "@mantine/core";
import { IconSettings } from "@tabler/icons-react";
import { AppFrame } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";
import { PlaceholderPage } from "../app/placeholder-page.tsx";

export function AdminApp() {
  return (
    <RequireSignIn>
      <AppFrame area="Admin" home="/admin" nav={[{ label: "Settings", to: "/admin", end: true }]}>
        <PlaceholderPage title="Admin settings" icon={<IconSettings size={24} />} forRoles={["admin"]} audience="administrators">
          <Text size="sm">
            Settings for users and roles, teams, organizations, categories, the priority matrix and custom fields are being built and will open
            here.
          </Text>
        </PlaceholderPage>
      </AppFrame>
    </RequireSignIn>
  );
}
