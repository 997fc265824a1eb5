/**
 * One look for all three faces: Inter (bundled, so every machine renders the same), a 14 px
 * body with 13 px controls, one accent (indigo) for focus, selection and the primary action,
 * hairline borders rather than shadows.
 */
import { createTheme, rem, type BadgeProps, type ButtonProps, type CardProps, type PaperProps, type TabsProps, type TooltipProps } from "@mantine/core";

/**
 * Default props of a component, as `Button.extend({ defaultProps })` gives them, without
 * importing the component itself: the theme is in the first script, the components are not.
 */
const withDefaults = <P>(defaultProps: Partial<P>) => ({ defaultProps });

export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 6 },
  fontFamily: "'Inter Variable', Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontFamilyMonospace: "ui-monospace, 'SF Mono', 'Cascadia Mono', Menlo, Consolas, monospace",
  fontSizes: { xs: rem(12), sm: rem(13), md: rem(14), lg: rem(16), xl: rem(18) },
  lineHeights: { xs: "1.4", sm: "1.45", md: "1.55", lg: "1.55", xl: "1.5" },
  headings: {
    fontWeight: "600",
    sizes: {
      h1: { fontSize: rem(24), lineHeight: "1.3" },
      h2: { fontSize: rem(17), lineHeight: "1.4" },
      h3: { fontSize: rem(15), lineHeight: "1.4" },
      h4: { fontSize: rem(14), lineHeight: "1.4" },
    },
  },
  defaultRadius: "md",
  cursorType: "pointer",
  focusRing: "auto",
  components: {
    Button: withDefaults<ButtonProps>({ size: "sm" }),
    Badge: withDefaults<BadgeProps>({ tt: "none", fw: 500, radius: "xl" }),
    Paper: withDefaults<PaperProps>({ withBorder: true, radius: "md" }),
    Card: withDefaults<CardProps>({ withBorder: true, radius: "md" }),
    Tabs: withDefaults<TabsProps>({ keepMounted: false }),
    Tooltip: withDefaults<TooltipProps>({ openDelay: 300, withArrow: true }),
  },
});
