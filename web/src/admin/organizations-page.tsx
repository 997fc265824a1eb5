/**
 * Organizations: the companies or departments requesters belong to. Each has an email domain
 * (new people with an address there join it) and may share tickets among its members.
 */
import { Alert, Avatar, Badge, Button, Group, Skeleton, Stack, Switch, Text, TextInput, Title } from "@mantine/core";
import { IconBuilding, IconEye, IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Organization } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { createOrganization, updateOrganization } from "../api/admin.ts";
import { adminKeys, refreshPeople, useOrganizationMembers, useOrganizations } from "../api/admin-queries.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { AdminPage, announce, Editor, EmptyEditor, formErrors, RowLink, same, SaveError, Split, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import { ROLE_LABELS } from "./people.ts";
import classes from "./admin.module.css";

interface OrgDraft {
  name: string;
  domain: string;
  shares_tickets: boolean;
}

const draftOf = (o: Organization): OrgDraft => ({ name: o.name, domain: o.domain ?? "", shares_tickets: o.shares_tickets });

/** "@Acme.com " → "acme.com"; people paste addresses and URLs as often as domains. */
function cleanDomain(s: string): string {
  return s.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/^.*@/, "").replace(/\/.*$/, "");
}

function checkDraft(d: OrgDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give the organization a name";
  const domain = cleanDomain(d.domain);
  if (domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) found.domain = "A domain looks like example.com";
  return found;
}

function OrgFields({ draft, setDraft, errors, membersCount }: { draft: OrgDraft; setDraft: (d: OrgDraft) => void; errors: Record<string, string>; membersCount?: number }) {
  return (
    <Stack gap="md">
      <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={errors.name} maxLength={200} data-autofocus />
      <TextInput
        label="Email domain"
        description="People added later with an email at this domain join this organization. Leave empty to add people by hand."
        placeholder="example.com"
        value={draft.domain}
        onChange={(e) => setDraft({ ...draft, domain: e.currentTarget.value })}
        onBlur={() => setDraft({ ...draft, domain: cleanDomain(draft.domain) })}
        error={errors.domain}
        maxLength={253}
        leftSection={<Text size="sm" c="dimmed">@</Text>}
      />
      <Switch
        label="Members see each other's requests"
        description={
          draft.shares_tickets
            ? `Everyone in ${draft.name.trim() || "this organization"} sees and can follow the requests of the others in the support portal${membersCount !== undefined ? ` (${membersCount} ${membersCount === 1 ? "person" : "people"} now)` : ""}.`
            : "Each requester sees only their own requests (and those they watch)."
        }
        checked={draft.shares_tickets}
        onChange={(e) => setDraft({ ...draft, shares_tickets: e.currentTarget.checked })}
        error={errors.shares_tickets}
      />
    </Stack>
  );
}

function Members({ org }: { org: Organization }) {
  const members = useOrganizationMembers(org.id);
  const items = members.data?.items ?? [];
  return (
    <div className={classes.section}>
      <Title order={2} fz="sm" mb={4}>
        People
      </Title>
      {members.isPending ? (
        <Skeleton height={60} />
      ) : members.isError ? (
        <LoadError title="Its people could not be loaded" error={members.error} onRetry={() => void members.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody belongs to {org.name} yet. Set their organization on the Users and roles page{org.domain ? `, or add people with an @${org.domain} address` : ""}.
        </Text>
      ) : (
        <>
          <ul className={classes.rows} style={{ padding: 0 }}>
            {items.map((u) => (
              <li key={u.id}>
                <Group gap="sm" py={4} wrap="nowrap">
                  <Link to={`/admin/users/${u.id}`} className={`${classes.nameLink} ${classes.rowTitle}`} style={{ flex: 1, minWidth: 0 }}>
                    {u.name} <Text span size="xs" c="dimmed" fw={400}>{u.email}</Text>
                  </Link>
                  <Badge variant="light" color="gray" size="sm">
                    {ROLE_LABELS[u.role]}
                  </Badge>
                </Group>
              </li>
            ))}
          </ul>
          {members.data?.next_cursor && (
            <Text size="xs" c="dimmed" mt={4}>
              Showing the first {items.length}.
            </Text>
          )}
        </>
      )}
    </div>
  );
}

function OrgEditor({ org }: { org: Organization }) {
  const client = useQueryClient();
  const base = useMemo(() => draftOf(org), [org]);
  const [draft, setDraft] = useState(base);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const members = useOrganizationMembers(org.id);
  const save = useMutation({
    mutationFn: () => updateOrganization(org.id, { name: draft.name.trim(), domain: cleanDomain(draft.domain) || null, shares_tickets: draft.shares_tickets }),
    onSuccess: (saved) => {
      client.setQueryData<Organization[]>(adminKeys.organizations, (all) => all?.map((o) => (o.id === saved.id ? saved : o)));
      refreshPeople(client);
      setDraft(draftOf(saved));
      markSaved();
    },
  });
  const errors = formErrors(save.error, ["name", "domain", "shares_tickets"]);
  // A count only when the first page holds everyone.
  const membersCount = members.data && !members.data.next_cursor ? members.data.items.length : undefined;
  return (
    <Editor
      label={`Edit organization ${org.name}`}
      dirty={dirty}
      saving={save.isPending}
      onSubmit={() => {
        const found = checkDraft(draft);
        setLocal(found);
        if (!Object.keys(found).length) save.mutate();
      }}
      onRevert={() => {
        setDraft(base);
        setLocal({});
        save.reset();
      }}
      backTo="/admin/organizations"
      backLabel="All organizations"
      guard={guard}
      justSaved={justSaved}
    >
      <Title order={2} fz={17} mb="md">
        {org.name}
      </Title>
      <OrgFields draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} membersCount={membersCount} />
      {draft.shares_tickets !== org.shares_tickets && (
        <Alert color="yellow" variant="light" icon={<IconEye size={16} />} mt="md">
          {draft.shares_tickets
            ? `When you save, the people of ${org.name} see each other's requests, including ones filed before today.`
            : `When you save, the people of ${org.name} no longer see each other's requests; each keeps their own.`}
        </Alert>
      )}
      <SaveError message={errors.general} />
      <Members org={org} />
    </Editor>
  );
}

function NewOrgEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const empty: OrgDraft = { name: "", domain: "", shares_tickets: false };
  const [draft, setDraft] = useState(empty);
  const [local, setLocal] = useState<Record<string, string>>({});
  const dirty = !same(draft, empty);
  const guard = useUnsavedGuard(dirty);
  const create = useMutation({
    mutationFn: () => createOrganization({ name: draft.name.trim(), domain: cleanDomain(draft.domain) || null, shares_tickets: draft.shares_tickets }),
    onSuccess: (org) => {
      client.setQueryData<Organization[]>(adminKeys.organizations, (all) => (all ? [...all, org].sort((a, b) => a.name.localeCompare(b.name)) : all));
      announce(`${org.name} was added.`);
      guard.allow();
      navigate(`/admin/organizations/${org.id}`);
    },
  });
  const errors = formErrors(create.error, ["name", "domain", "shares_tickets"]);
  return (
    <Editor
      label="New organization"
      dirty={dirty}
      saving={create.isPending}
      saveLabel="Add organization"
      onSubmit={() => {
        const found = checkDraft(draft);
        setLocal(found);
        if (!Object.keys(found).length) create.mutate();
      }}
      backTo="/admin/organizations"
      backLabel="All organizations"
      guard={guard}
    >
      <Title order={2} fz={17} mb={4}>
        New organization
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        A company or department whose people file requests.
      </Text>
      <OrgFields draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} />
      <SaveError title="The organization was not added" message={errors.general} />
    </Editor>
  );
}

export function OrganizationsPage() {
  const { organizationId } = useParams();
  const orgs = useOrganizations();
  const selected = organizationId && organizationId !== "new" ? (orgs.data ?? []).find((o) => String(o.id) === organizationId) : undefined;
  let editor;
  if (organizationId === "new") editor = <NewOrgEditor />;
  else if (organizationId && orgs.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={80} /></Stack>;
  else if (selected) editor = <OrgEditor key={selected.id} org={selected} />;
  else if (organizationId && orgs.data)
    editor = (
      <EmptyEditor icon={<IconBuilding size={32} stroke={1.5} />} title="This organization does not exist">
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={<IconBuilding size={32} stroke={1.5} />} title="Pick an organization">
        Set its email domain, so new people join it, and whether its members see each other's requests.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="Organizations"
      description="The companies or departments your requesters belong to."
      actions={
        <Button component={Link} to="/admin/organizations/new" leftSection={<IconPlus size={16} />}>
          Add organization
        </Button>
      }
    >
      <Split
        listLabel="Organization list"
        selected={!!organizationId}
        list={
          orgs.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label="Loading organizations" /></div>
          ) : orgs.isError ? (
            <div style={{ padding: 12 }}><LoadError title="Organizations could not be loaded" error={orgs.error} onRetry={() => void orgs.refetch()} /></div>
          ) : orgs.data.length === 0 ? (
            <Text size="sm" c="dimmed" p="md">No organizations yet. Add one for each company or department whose people file requests.</Text>
          ) : (
            <ul className={classes.rows}>
              {orgs.data.map((o) => (
                <RowLink key={o.id} to={`/admin/organizations/${o.id}`}>
                  <Avatar size={32} radius="md" color="gray" variant="light">
                    <IconBuilding size={16} />
                  </Avatar>
                  <div className={classes.rowMain}>
                    <div className={classes.rowTitle}>{o.name}</div>
                    <div className={classes.rowSub}>{o.domain ? `@${o.domain}` : "No email domain"}</div>
                  </div>
                  {o.shares_tickets && (
                    <Badge variant="light" color="gray" size="sm">
                      Shares requests
                    </Badge>
                  )}
                </RowLink>
              ))}
            </ul>
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}
