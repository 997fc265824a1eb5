/** The tab title: the page's own title, led by the unread notification count when there is one. */
let base = "Tessera";
let unread = 0;

const render = () => {
  document.title = unread ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
};

export function setPageTitle(title: string) {
  base = title;
  render();
}

export function setUnreadCount(n: number) {
  unread = n;
  render();
}
