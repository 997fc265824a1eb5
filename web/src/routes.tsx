/**
 * Every page address of the app. The server answers the same addresses with index.html
 * (server/src/web/serve.ts keeps the list of first segments: sign-in, requests, agent, admin).
 * Each face is its own chunk: a requester never downloads the agent workspace or admin, and
 * someone already signed in never downloads the sign-in form.
 */
import { Button, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { createBrowserRouter, Outlet } from "react-router";
import { ticketInAddress } from "./app/early-fetch.ts";
import { NotFoundPage } from "./app/not-found-page.tsx";

const portal = () => import("./portal/index.ts");
const agent = () => import("./agent/index.ts");
const admin = () => import("./admin/index.ts");

function FirstLoad() {
  return (
    <Center mih="60vh" aria-busy="true">
      <Loader size="sm" aria-label="Loading" />
    </Center>
  );
}

/** When a page's code cannot load (typically: Tessera was updated since this tab opened). */
function PageCrashed() {
  return (
    <Center mih="70vh" p="md" component="main">
      <Stack align="center" gap="sm" maw={420} ta="center">
        <Title order={1} fz={20}>
          This page could not be shown
        </Title>
        <Text c="dimmed" size="sm">
          Tessera may have been updated since you opened it, or the connection dropped. Reloading usually fixes it.
        </Text>
        <Button onClick={() => window.location.reload()}>Reload the page</Button>
      </Stack>
    </Center>
  );
}

/** The app's router; made once the address is final (main.tsx may rewrite a ticket link first). */
export const createRouter = () =>
  createBrowserRouter([
    {
      element: <Outlet />,
      hydrateFallbackElement: <FirstLoad />,
      errorElement: <PageCrashed />,
      children: [
        { path: "/sign-in", lazy: async () => ({ Component: (await import("./app/sign-in-page.tsx")).SignInPage }) },
        { path: "/answer/:reference", lazy: async () => ({ Component: (await import("./app/answer-page.tsx")).AnswerPage }) },
        {
          path: "/",
          lazy: async () => ({ Component: (await portal()).PortalLayout }),
          children: [
            { index: true, lazy: async () => ({ Component: (await portal()).HomePage }) },
            { path: "requests", lazy: async () => ({ Component: (await portal()).MyRequestsPage }) },
            { path: "requests/new", lazy: async () => ({ Component: (await portal()).NewRequestPage }) },
            { path: "requests/:key", lazy: async () => ({ Component: (await portal()).RequestPage }) },
          ],
        },
        {
          path: "/agent/*",
          lazy: async () => {
            const { AgentApp, loadTicketPane } = await agent();
            // A ticket's address: the first screen waits for the ticket view's code as well (it has
            // been loading beside the workspace's since the page opened, app/early-start.ts), so
            // that it shows the ticket straight away rather than a placeholder first.
            if (ticketInAddress(window.location.pathname) !== null) await loadTicketPane().catch(() => {});
            return { Component: AgentApp };
          },
        },
        { path: "/admin/*", lazy: async () => ({ Component: (await admin()).AdminApp }) },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ]);
