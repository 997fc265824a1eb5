/**
 * A table of what changes from what to what: one row per thing (a field, a deadline), with its
 * value before and after. Each row may style its cells, such as striking out a moved deadline.
 */
import { Table, type TableProps, type TableTdProps } from "@mantine/core";
import type { ReactNode } from "react";

export interface BeforeAfterRow {
  key: string;
  name: ReactNode;
  before: ReactNode;
  after: ReactNode;
}

type CellProps = { name?: TableTdProps; before?: TableTdProps; after?: TableTdProps };

export function BeforeAfterTable<R extends BeforeAfterRow>({
  label,
  heading,
  rows,
  cells,
  ...table
}: {
  /** The table's name for assistive technology. */
  label: string;
  /** The first column's heading: what each row is. */
  heading: string;
  rows: R[];
  cells?: (row: R) => CellProps;
} & Omit<TableProps, "children">) {
  return (
    <Table withTableBorder aria-label={label} {...table}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{heading}</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => {
          const props = cells?.(row) ?? {};
          return (
            <Table.Tr key={row.key}>
              <Table.Td {...props.name}>{row.name}</Table.Td>
              <Table.Td {...props.before}>{row.before}</Table.Td>
              <Table.Td {...props.after}>{row.after}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
