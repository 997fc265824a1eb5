import { Button } from "@mantine/core";
import { IconHome, IconList, IconPlus } from "@tabler/icons-react";
import { Link, Outlet } from "react-router";
import { AppFrame } from "../app/app-frame.tsx";
import { RequireSignIn } from "../app/guards.tsx";

const NAV = [
  { label: "Home", to: "/", end: true, icon: <IconHome size={16} /> },
  { label: "My requests", to: "/requests", end: true, icon: <IconList size={16} /> },
  { label: "New request", to: "/requests/new", end: true, icon: <IconPlus size={16} />, menuOnly: true },
];

export function PortalLayout() {
  return (
    <RequireSignIn>
      <AppFrame
        area="Support"
        home="/"
        nav={NAV}
        actions={
          <Button component={Link} to="/requests/new" leftSection={<IconPlus size={16} />} visibleFrom="xs">
            New request
          </Button>
        }
      >
        <Outlet />
      </AppFrame>
    </RequireSignIn>
  );
}
