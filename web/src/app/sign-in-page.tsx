import { Button, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import type { Me } from "@tessera/contracts";
import { signIn } from "../api/endpoints.ts";
import { keys, useMe } from "../api/queries.ts";
import { ErrorAlert } from "../ui/query-state.tsx";
import { CardPage } from "./card-page.tsx";
import { homeOf, safeNext } from "./guards.tsx";

export function SignInPage() {
  const me = useMe();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const emailRef = useRef<HTMLInputElement>(null);
  const login = useMutation({
    mutationFn: () => signIn(email, password),
    onSuccess: (user: Me) => {
      client.setQueryData(keys.me, user);
      navigate(next ?? homeOf(user), { replace: true });
    },
  });
  useEffect(() => {
    document.title = "Sign in · Tessera";
    emailRef.current?.focus();
  }, []);

  if (me.data && !login.isPending) return <Navigate to={next ?? homeOf(me.data)} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <CardPage
      width={380}
      below={
        <Text size="xs" c="dimmed" ta="center">
          No account or forgot your password? Ask your IT or support team.
        </Text>
      }
    >
      <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <Stack gap="md">
          <div>
            <Title order={1} id="sign-in-title" fz={20}>
              Sign in
            </Title>
            <Text size="sm" c="dimmed" mt={4}>
              Get help, follow your requests and reply to the support team.
            </Text>
          </div>
          <ErrorAlert error={login.error} />
          <TextInput ref={emailRef} label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" fullWidth loading={login.isPending} disabled={!email.trim() || !password}>
            Sign in
          </Button>
        </Stack>
      </form>
    </CardPage>
  );
}
