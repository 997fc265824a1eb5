/**
 * Ties the inputs of an admin form to the fields of its draft: each binding gives an input its
 * value, the change that writes it back into the draft, and the error found for that field.
 * Spread one onto a Mantine input: `<TextInput label="Name" {...bind.text("name")} />`.
 */
import type { ChangeEvent } from "react";

/** The keys of `D` whose values are of type `V`. */
type KeysOf<D, V> = { [K in keyof D]-?: D[K] extends V ? K : never }[keyof D] & string;

type TextChange = ChangeEvent<HTMLInputElement | HTMLTextAreaElement>;

export type DraftBinding<D> = ReturnType<typeof bindDraft<D>>;

/**
 * `errorKey` is where a field's error is found when the server names it otherwise than the
 * draft does (the IMAP server as "imap.host").
 */
export function bindDraft<D>(draft: D, setDraft: (d: D) => void, errors: Record<string, string | undefined> = {}) {
  const set = <K extends keyof D>(key: K, value: D[K]) => setDraft({ ...draft, [key]: value });
  return {
    draft,
    setDraft,
    errors,
    set,
    /** A TextInput, Textarea or PasswordInput. */
    text: <K extends KeysOf<D, string>>(key: K, errorKey: string = key) => ({
      value: draft[key] as string,
      onChange: (e: TextChange) => set(key, e.currentTarget.value as D[K]),
      error: errors[errorKey],
    }),
    /** A Switch or Checkbox. */
    checked: <K extends KeysOf<D, boolean>>(key: K, errorKey: string = key) => ({
      checked: draft[key] as boolean,
      onChange: (e: ChangeEvent<HTMLInputElement>) => set(key, e.currentTarget.checked as D[K]),
      error: errors[errorKey],
    }),
    /** A Select that may be cleared, a MultiSelect, or a Radio.Group: the value as it comes. */
    choice: <K extends keyof D & string>(key: K, errorKey: string = key) => ({
      value: draft[key],
      onChange: (v: D[K]) => set(key, v),
      error: errors[errorKey],
    }),
    /** A Select that must keep a value: clearing it changes nothing. */
    required: <K extends KeysOf<D, string>>(key: K, errorKey: string = key) => ({
      value: draft[key],
      onChange: (v: string | null) => {
        if (v) set(key, v as D[K]);
      },
      error: errors[errorKey],
    }),
  };
}
