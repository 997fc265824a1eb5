/**
 * /answer/<REF>?token=…&action=confirm|reopen — where a resolution notice's "Yes, it is solved"
 * and "No, it is not fixed" links lead. No sign-in: the token is the key (server:
 * tickets/answers.ts). Opening the page changes nothing, since mail scanners follow links too;
 * the person answers with a click, and the choice the mail's link named is the one offered first.
 */
import { Alert, Anchor, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheck, IconRefresh } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { AnswerView } from "@tessera/contracts";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { api } from "../api/client.ts";
import { ErrorAlert } from "../ui/query-state.tsx";
import { CardPage } from "./card-page.tsx";
import { GrowingTextarea } from "../ui/growing-textarea.tsx";

type Choice = "confirm" | "reopen";

const CHOICES: Array<{ value: Choice; label: string; color: string; icon: typeof IconRefresh }> = [
  { value: "confirm", label: "Yes, it is solved", color: "teal", icon: IconCircleCheck },
  { value: "reopen", label: "No, it is not fixed", color: "orange", icon: IconRefresh },
];

const answerUrl = (reference: string) => `/api/answers/${encodeURIComponent(reference)}`;

export function AnswerPage() {
  const { reference = "" } = useParams();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [choice, setChoice] = useState<Choice>(params.get("action") === "reopen" ? "reopen" : "confirm");
  const [comment, setComment] = useState("");
  const view = useQuery({
    queryKey: ["answer", reference, token],
    queryFn: () => api(`${answerUrl(reference)}?token=${encodeURIComponent(token)}`, AnswerView),
    retry: false,
  });
  const answer = useMutation({
    mutationFn: () => api(answerUrl(reference), AnswerView, { method: "POST", json: { token, action: choice, ...(comment.trim() ? { comment } : {}) } }),
  });
  useEffect(() => {
    document.title = `${reference} · Tessera`;
  }, [reference]);

  const shown = answer.data ?? view.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    answer.mutate();
  };

  return (
    <CardPage width={480} busy={view.isPending}>
      {view.isPending ? (
        <Text c="dimmed">Loading your request…</Text>
      ) : view.error ? (
        <Stack gap="sm">
          <Title order={1} fz={20}>
            This link does not work
          </Title>
          <Text size="sm" c="dimmed">
            It may be incomplete (some mail programs cut long links) or from an older message. Sign in to see your request and answer there.
          </Text>
          <Button component={Link} to={`/requests/${encodeURIComponent(reference)}`} variant="light" w="fit-content">
            Sign in to see {reference}
          </Button>
        </Stack>
      ) : shown ? (
        <Stack gap="md">
          <div>
            <Text size="sm" c="dimmed" className="tabular">
              {shown.reference} · {shown.status_label}
            </Text>
            <Title order={1} fz={20} mt={4}>
              {shown.subject}
            </Title>
          </div>
          {shown.resolution_note && (
            <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
              <Text size="xs" c="dimmed" fw={600} mb={4}>
                How it was resolved
              </Text>
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                {shown.resolution_note}
              </Text>
            </Paper>
          )}
          {shown.outcome === "waiting" ? (
            <form onSubmit={submit} aria-label="Your answer">
              <Stack gap="sm">
                <Text fw={600}>Is it solved?</Text>
                <Group gap="xs" role="radiogroup" aria-label="Is it solved?">
                  {CHOICES.map((c) => (
                    <Button
                      key={c.value}
                      type="button"
                      role="radio"
                      aria-checked={choice === c.value}
                      variant={choice === c.value ? "filled" : "default"}
                      color={c.color}
                      leftSection={<c.icon size={16} />}
                      onClick={() => setChoice(c.value)}
                    >
                      {c.label}
                    </Button>
                  ))}
                </Group>
                <GrowingTextarea
                  label={choice === "reopen" ? "What is still wrong?" : "Anything to add? (optional)"}
                  required={choice === "reopen"}
                  lines={[3]}
                  value={comment}
                  onChange={setComment}
                />
                <ErrorAlert error={answer.error} />
                <Button type="submit" loading={answer.isPending} disabled={choice === "reopen" && !comment.trim()} w="fit-content">
                  {choice === "confirm" ? "Close my request" : "Reopen my request"}
                </Button>
              </Stack>
            </form>
          ) : (
            <Alert color={shown.outcome === "closed" ? "teal" : "orange"} variant="light" role="status" icon={shown.outcome === "closed" ? <IconCircleCheck size={18} /> : <IconRefresh size={18} />}>
              {shown.outcome === "closed"
                ? answer.data
                  ? "Thank you. Your request is closed."
                  : "This request is closed. If the problem comes back, start a new request."
                : answer.data
                  ? "Your request is open again; the support team has your message and will get back to you."
                  : "This request is open again; the support team is on it."}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            <Anchor component={Link} to={`/requests/${encodeURIComponent(shown.reference)}`}>
              See the whole conversation
            </Anchor>{" "}
            (you may be asked to sign in).
          </Text>
        </Stack>
      ) : null}
    </CardPage>
  );
}
