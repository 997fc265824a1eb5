import { use, type ComponentType } from "react";

/**
 * A component whose code loads on first use, like React.lazy, but which renders at once, without
 * suspending, when its code has already arrived through `preload()`. React.lazy suspends the first
 * time it renders even then, and React holds back revealing a suspended part for up to 300 ms
 * after the last placeholder it showed: a ticket opened from a link would wait for nothing.
 */
export function preloadable<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (err: unknown) => {
        loading = undefined; // a later render tries again
        throw err;
      },
    ));
  function Preloadable(props: P) {
    const Component = loaded ?? use(preload());
    return <Component {...props} />;
  }
  return Object.assign(Preloadable, { preload });
}
