export { AdminCollectionPage, FormHeading, ListState, Rows } from "./admin-collection-page.tsx";
export { byName, useAdminCollection, type AdminCollection, type CollectionQuery } from "./use-admin-collection.ts";
export { useAdminForm, useCreateForm, useEditForm } from "./use-admin-form.ts";
export { bindDraft, type DraftBinding } from "./bind-draft.ts";
export { AdminFormPage } from "./admin-form-page.tsx";
export { useConfirmedAction, type ConfirmedDialog } from "./use-confirmed-action.ts";
export { Loaded, type LoadingQuery } from "./loaded.tsx";
export { Toggle } from "./toggle.tsx";
