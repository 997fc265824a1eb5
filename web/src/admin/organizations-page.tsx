/**
 * Organizations: the companies or departments requesters belong to. Each has an email domain
 * (new people with an address there join it) and may share tickets among its members.
 */
import { Alert, Badge, Group, Skeleton, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconBuilding, IconEye } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Organization } from "@tessera/contracts";
import { Link } from "react-router";
import { createOrganization, updateOrganization } from "../api/admin.ts";
import { adminKeys, refreshPeople, useOrganizationMembers, useOrganizations } from "../api/admin-queries.ts";
import { LoadError } from "../ui/query-state.tsx";
import { Editor, EditorSection, SaveError, Tag } from "./layout.tsx";
import { type AdminCollection, AdminCollectionPage, byName, type DraftBinding, FormHeading, Toggle, useAdminCollection, useCreateForm, useEditForm } from "./scaffold/index.ts";
import { ROLE_LABELS } from "./people.ts";
import classes from "./admin.module.css";
import { RowIcon } from "./list-row.tsx";

interface OrgDraft {
  name: string;
  domain: string;
  shares_tickets: boolean;
}

const draftOf = (o: Organization): OrgDraft => ({ name: o.name, domain: o.domain ?? "", shares_tickets: o.shares_tickets });

/** "@Acme.com " → "acme.com"; people paste addresses and URLs as often as domains. */
function cleanDomain(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^.*@/, "")
    .replace(/\/.*$/, "");
}

function checkDraft(d: OrgDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give the organization a name";
  const domain = cleanDomain(d.domain);
  if (domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) found.domain = "A domain looks like example.com";
  return found;
}

function OrgFields({ bind, membersCount }: { bind: DraftBinding<OrgDraft>; membersCount?: number }) {
  const { draft, setDraft } = bind;
  return (
    <Stack gap="md">
      <TextInput label="Name" required {...bind.text("name")} maxLength={200} data-autofocus />
      <TextInput
        label="Email domain"
        description="People added later with an email at this domain join this organization. Leave empty to add people by hand."
        placeholder="example.com"
        {...bind.text("domain")}
        onBlur={() => setDraft({ ...draft, domain: cleanDomain(draft.domain) })}
        maxLength={253}
        leftSection={
          <Text size="sm" c="dimmed">
            @
          </Text>
        }
      />
      <Toggle
        label="Members see each other's requests"
        on={`Everyone in ${draft.name.trim() || "this organization"} sees and can follow the requests of the others in the support portal${membersCount !== undefined ? ` (${membersCount} ${membersCount === 1 ? "person" : "people"} now)` : ""}.`}
        off="Each requester sees only their own requests (and those they watch)."
        {...bind.checked("shares_tickets")}
      />
    </Stack>
  );
}

function Members({ org }: { org: Organization }) {
  const members = useOrganizationMembers(org.id);
  const items = members.data?.items ?? [];
  return (
    <EditorSection title="People">
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
                    {u.name}{" "}
                    <Text span size="xs" c="dimmed" fw={400}>
                      {u.email}
                    </Text>
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
    </EditorSection>
  );
}

const FIELDS = ["name", "domain", "shares_tickets"];
const inputOf = (d: OrgDraft) => ({ name: d.name.trim(), domain: cleanDomain(d.domain) || null, shares_tickets: d.shares_tickets });

function OrgEditor({ org, collection }: { org: Organization; collection: AdminCollection<Organization> }) {
  const client = useQueryClient();
  const members = useOrganizationMembers(org.id);
  const form = useEditForm(collection, org, { fields: FIELDS, check: checkDraft, draftOf, save: (d) => updateOrganization(org.id, inputOf(d)), onSaved: () => refreshPeople(client) });
  const { draft } = form;
  // A count only when the first page holds everyone.
  const membersCount = members.data && !members.data.next_cursor ? members.data.items.length : undefined;
  return (
    <Editor label={`Edit organization ${org.name}`} {...form.editorProps}>
      <Title order={2} fz={17} mb="md">
        {org.name}
      </Title>
      <OrgFields bind={form.bind} membersCount={membersCount} />
      {draft.shares_tickets !== org.shares_tickets && (
        <Alert color="yellow" variant="light" icon={<IconEye size={16} />} mt="md">
          {draft.shares_tickets
            ? `When you save, the people of ${org.name} see each other's requests, including ones filed before today.`
            : `When you save, the people of ${org.name} no longer see each other's requests; each keeps their own.`}
        </Alert>
      )}
      <SaveError message={form.general} />
      <Members org={org} />
    </Editor>
  );
}

const EMPTY: OrgDraft = { name: "", domain: "", shares_tickets: false };

function NewOrgEditor({ collection }: { collection: AdminCollection<Organization> }) {
  const form = useCreateForm(collection, { base: EMPTY, fields: FIELDS, check: checkDraft, save: (d) => createOrganization(inputOf(d)), announce: (org) => `${org.name} was added.` });
  return (
    <Editor label="New organization" {...form.editorProps} saveLabel="Add organization">
      <FormHeading title="New organization">A company or department whose people file requests.</FormHeading>
      <OrgFields bind={form.bind} />
      <SaveError title="The organization was not added" message={form.general} />
    </Editor>
  );
}

export function OrganizationsPage() {
  const collection = useAdminCollection({ query: useOrganizations(), queryKey: adminKeys.organizations, path: "/admin/organizations", noun: "organization", order: byName });
  return (
    <AdminCollectionPage
      collection={collection}
      description="The companies or departments your requesters belong to."
      emptyList="No organizations yet. Add one for each company or department whose people file requests."
      row={(o) => ({
        lead: <RowIcon icon={<IconBuilding size={16} />} />,
        title: o.name,
        sub: o.domain ? `@${o.domain}` : "No email domain",
        badge: o.shares_tickets && <Tag>Shares requests</Tag>,
      })}
      editor={(o) => <OrgEditor key={o.id} org={o} collection={collection} />}
      creator={() => <NewOrgEditor collection={collection} />}
      pick="Set its email domain, so new people join it, and whether its members see each other's requests."
      skeleton={80}
    />
  );
}
