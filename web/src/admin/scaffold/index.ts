export { AdminCollectionPage, FormHeading, ListState, Rows } from "./admin-collection-page.tsx";
export { useAdminCollection, type AdminCollection, type CollectionQuery } from "./use-admin-collection.ts";
export { useAdminForm, useCreateForm, useEditForm } from "./use-admin-form.ts";
