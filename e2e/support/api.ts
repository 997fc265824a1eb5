/**
 * A person using the API from the test process, signed in with a session like a browser:
 * used to seed data and to play the other side (an agent replying, resolving) while the
 * browser is the requester.
 */
export class ApiSession {
  private cookie = "";
  private csrf = "";

  private constructor(readonly baseURL: string) {}

  static async signIn(baseURL: string, email: string, password: string): Promise<ApiSession> {
    const s = new ApiSession(baseURL);
    const res = await fetch(`${baseURL}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
    s.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    s.csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
    return s;
  }

  async request<T = any>(method: string, url: string, body?: unknown, expected = [200, 201, 204]): Promise<T> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== "GET") headers["x-csrf-token"] = this.csrf;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.baseURL}${url}`, { method, headers, body: payload });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get = <T = any>(url: string) => this.request<T>("GET", url);
  post = <T = any>(url: string, body: unknown = {}) => this.request<T>("POST", url, body);
  patch = <T = any>(url: string, body: unknown) => this.request<T>("PATCH", url, body);

  /** Changes a ticket as an agent would from a fresh read: with the version just read. */
  async updateTicket<T = any>(ref: string, changes: Record<string, unknown>): Promise<T> {
    const { version } = await this.get<{ version: number }>(`/api/tickets/${ref}`);
    return this.patch<T>(`/api/tickets/${ref}`, { version, ...changes });
  }
}
